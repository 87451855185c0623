"""Recruiter screenings in the browser: a front end over the same engine and transcripts."""
