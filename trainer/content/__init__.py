"""Lessons as data: the domain (``Lesson``, ``Step``), the Markdown parser, the library of
lesson files, safe text rendering, the practice card, procedures and scam rules. Nothing
here knows about Flask."""
