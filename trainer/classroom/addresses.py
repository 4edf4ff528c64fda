"""The addresses phones can use to reach this laptop: its IPv4 addresses on the local
network (a hotspot, the commune Wi-Fi), found from the network interfaces, so it works
with no internet. Plain: nothing here knows about Flask."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

import psutil

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def lan_addresses() -> list[str]:
    """IPv4 addresses of the interfaces that are up, private ones (hotspot, Wi-Fi) first;
    never loopback or link-local (169.254.x.x: a phone cannot use it)."""
    up = {name for name, stats in psutil.net_if_stats().items() if stats.isup}
    found: list[ipaddress.IPv4Address] = []
    for name, addrs in psutil.net_if_addrs().items():
        if name not in up:
            continue
        for addr in addrs:
            if addr.family.name != "AF_INET":
                continue
            ip = ipaddress.IPv4Address(addr.address)
            if not (ip.is_loopback or ip.is_link_local or ip.is_unspecified) and ip not in found:
                found.append(ip)
    return [str(ip) for ip in sorted(found, key=lambda ip: (not ip.is_private, ip))]


def is_local_host(host: str) -> bool:
    """True for an address only this computer can use (127.x, ::1, localhost)."""
    host = (host or "").strip("[]").lower()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def phone_urls(host_url: str, addresses: list[str] | None = None) -> list[str]:
    """Base URLs a phone can open for a site the laptop reached at ``host_url``: that one
    if it is already a network address, else one per LAN address on the same port."""
    parts = urlsplit(host_url)
    if not is_local_host(parts.hostname or ""):
        return [f"{parts.scheme}://{parts.netloc}"]
    port = f":{parts.port}" if parts.port else ""
    found = lan_addresses() if addresses is None else addresses
    return [f"{parts.scheme}://{ip}{port}" for ip in found]


def serving_urls(host: str, port: int, addresses: list[str] | None = None) -> list[str]:
    """What ``trainer serve --host HOST`` can be reached at from a phone."""
    if is_local_host(host):
        return []
    if host in ("0.0.0.0", "", "::"):
        found = lan_addresses() if addresses is None else addresses
        return [f"http://{ip}:{port}/" for ip in found]
    return [f"http://{host}:{port}/"]
