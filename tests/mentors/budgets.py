"""The query budget of the mentorship page, one number for every test that measures it:
its parts (the request, the agreement, meetings, messages) each add their queries once,
whatever the mentorship holds."""

# The user and the navigation with its unread counts (2); the mentorship with its people
# and the request's goals (2); for the mentor, the access rule's look at the mentorship
# (1); the plans the reader may open, or the physician's other requests (1); the
# agreement's versions and their goals (2); the meetings and their proposed times (2);
# the thread's counts and latest messages (2). The page tells the navigation whose side
# it is on, so the navigation asks nothing more.
MENTORSHIP_PAGE_BUDGET = 12
