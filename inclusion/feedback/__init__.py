"""Learners' anonymous opinion of the help they got: the questionnaire, its two ways in, and its counts."""
