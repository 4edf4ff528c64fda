"""Lessons as data: the lesson format, its parser and library, and the tools authors use."""
