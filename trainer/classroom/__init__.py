"""Volunteers and their classes: accounts, classes and join codes, kiosk sign-in and
learner cards, reports, QR codes and charts. Plain modules; only ``auth`` knows Flask
(its decorators and the signed-in volunteer)."""
