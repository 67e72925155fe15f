"""Tests of comparing two articles (``spinscope._compare``)."""
