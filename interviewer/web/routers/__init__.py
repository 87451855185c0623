"""The web app's routes, one router per area: accounts (log in and out), screenings (the
recruiter's screenings, invites, export and comparison), review (one candidate's report and the
recruiter's decision) and candidate (the interview pages behind an invite link)."""
