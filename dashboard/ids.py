"""Component ids, in one place; the browser reads them from the page's config (``browser_ids``)."""

MAP = "live-map"
TICKER = "ticker"
CONFIG = "live-config"
COUNTER_OPEN = "counter-open"
COUNTER_TODAY = "counter-today"
COUNTER_CLOSED = "counter-closed-today"
COUNTER_AT_RISK = "counter-at-risk"
COUNTER_OVERDUE = "counter-overdue"
KPI_STRIP = "kpi-strip"
MAP_MODE = "map-mode"
MAP_TITLE = "map-title"
CLOCK = "wall-clock"
ALERTS = "alerts"
ALERTS_MORE = "alerts-more"
ALERT_COUNT = "alert-count"
LINK = "link-status"

# The operators' desk (dashboard/desk_page.py, assets/gridcc/desk.js).
DESK_QUEUE = "desk-queue"
DESK_CASE = "desk-case"
DESK_FILTER = "desk-filter"
DESK_COUNTS = "desk-counts"
DESK_HELP = "desk-help"
DESK_TOAST = "desk-toast"
DESK_CONFIG = "desk-config"
DESK_CLOCK = "desk-clock"
DESK_LINK = "desk-link"

# Each page's path (cases.access.PAGE_ROLES says who may open it) and its name's label.
PAGE_PATHS = {
    "wall": "/",
    "desk": "/desk",
    "lead": "/lead",
    "dept": "/dept",
    "kpi": "/kpi",
    "admin": "/admin",
}
PAGE_LABELS = {
    "wall": "nav_wall_short",
    "desk": "desk_page",
    "lead": "lead_page",
    "dept": "dept_page",
    "kpi": "kpi_page",
    "admin": "admin_page",
}

# Each headline counter by what it shows: the snapshot's counter names, or a risk level.
COUNTERS = {
    "open": COUNTER_OPEN,
    "today": COUNTER_TODAY,
    "closed_today": COUNTER_CLOSED,
    "at_risk": COUNTER_AT_RISK,
    "overdue": COUNTER_OVERDUE,
}


def browser_ids() -> dict[str, object]:
    """The ids the browser's views write to (assets/gridcc/main.js)."""
    return {
        "map": MAP,
        "ticker": TICKER,
        "alerts": ALERTS,
        "alertsMore": ALERTS_MORE,
        "alertCount": ALERT_COUNT,
        "kpis": KPI_STRIP,
        "mode": MAP_MODE,
        "mapTitle": MAP_TITLE,
        "clock": CLOCK,
        "link": LINK,
        "counters": dict(COUNTERS),
    }


def desk_ids() -> dict[str, str]:
    """The ids the operators' desk writes to (assets/gridcc/desk.js)."""
    return {
        "queue": DESK_QUEUE,
        "case": DESK_CASE,
        "filter": DESK_FILTER,
        "counts": DESK_COUNTS,
        "help": DESK_HELP,
        "toast": DESK_TOAST,
        "clock": DESK_CLOCK,
        "link": DESK_LINK,
    }
