"""The plan tests' today (a Monday): due dates count from it and deadlines are open or
closed relative to it. The `on_today` fixture sets the clock to it."""

import datetime

TODAY = datetime.date(2026, 11, 23)
