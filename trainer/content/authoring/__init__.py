"""Tools for lesson authors: the screen catalogue (``catalogue``), the live preview
(``preview``), ``trainer new`` (``scaffold``) and the translation status
(``translations``).

Plain functions over files and the screen registry (no request or app needed),
shared by the authors' pages and the ``trainer`` command so both always report
the same thing. Import the module you need: ``from trainer.content.authoring import
preview``.
"""
