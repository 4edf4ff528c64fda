"""A learner talking to a live server over HTTP (urllib, own cookie jar), as a
browser does: it reads the CSRF token from the page and sends it like htmx."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid


class HttpLearner:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def get(self, path: str) -> tuple[int, str, str]:
        """(status, final URL, body); reads the CSRF token from full pages."""
        try:
            with self.opener.open(self.base + path, timeout=30) as resp:
                body = resp.read().decode()
                url = resp.url
                status = resp.status
        except urllib.error.HTTPError as err:
            return err.code, path, err.read().decode(errors="replace")
        match = re.search(r'"X-CSRFToken": "([^"]+)"', body)
        if match:
            self.token = match.group(1)
        return status, url, body

    def post(self, path: str, **form: str) -> tuple[int, str]:
        """POST like htmx (fragment back); a fresh submission id unless ``sid`` is given."""
        form.setdefault("sid", uuid.uuid4().hex)
        request = urllib.request.Request(
            self.base + path, data=urllib.parse.urlencode(form).encode(), method="POST",
            headers={"HX-Request": "true", "X-CSRFToken": self.token})
        try:
            with self.opener.open(request, timeout=30) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    @property
    def public_id(self) -> str | None:
        """The learner id in the signed session cookie (read without the key)."""
        import base64
        import json
        import zlib

        for cookie in self.jar:
            if cookie.name == "tapso":
                data = cookie.value.lstrip(".").split(".")[0]
                raw = base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))
                if cookie.value.startswith("."):
                    raw = zlib.decompress(raw)
                return json.loads(raw).get("learner")
        return None
