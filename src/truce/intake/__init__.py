"""Intake: turning what sources send (narrative text, JSONL, sensors) into observation records."""
