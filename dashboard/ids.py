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
