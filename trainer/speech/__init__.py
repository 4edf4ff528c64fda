"""Read-aloud that always speaks: the texts a learner can hear, the volunteers'
recordings of them, and an offline voice (espeak-ng) for every text without one.

Plain modules, no Flask: ``texts`` (what can be heard and its key), ``recordings``
(saved beside the lessons, each made for one exact text), ``voice`` (synthesis
with an on-disk cache, and the list of texts the server may say).
"""
