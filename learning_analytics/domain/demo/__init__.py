"""Deterministic demo histories that look like a real learner's: who learns (`learners`), when
(`rhythm`), what (`topics`), how well (`quality`), and the events they make (`history`)."""
