# Dates as the pages wrote them before there was a Japanese interface: 1 Dec 2026, 09:30.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
