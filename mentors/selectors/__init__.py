"""Reads for mentors, by topic, with their access checks: profiles (the directory, a
mentor's page), suggestions (the matching's inputs and its ranked result), mentorships
(the participants' pages, the mentor's dashboard), feedback (comments, reviews and the
plans a mentor has to review). Every page's reads run a fixed number of queries, whatever
the number of mentors, mentees or comments."""
