"""Where a browser can keep a meeting token, and what each choice costs: the trade-offs as data.

One table, two readers: the `StorageTradeoffs` widget and the chapter on storing tokens both
render `tradeoff_rows()`, so the prose and the widget never disagree. Cookie behaviour follows
the HTTP cookie rules (RFC 6265 and the SameSite draft, rfc6265bis); the first row is the design
of Daily's article ("Obtaining, handling, and validating meeting tokens", and its game
github.com/daily-demos/modern-wordfare): a fresh token per join, the host marked by a signed
HttpOnly cookie that holds no token.
"""

from __future__ import annotations

from dataclasses import dataclass

# Columns in display order: attribute name -> heading.
COLUMNS: dict[str, str] = {
    "label": "Where the token lives",
    "xss_reads": "What an XSS payload can read",
    "cross_site": "What a cross-site request carries",
    "reload": "Survives a reload",
    "restart": "Survives a browser restart",
    "rest_calls": "REST calls per join",
    "stolen_useful": "How long a stolen token stays useful",
}

# Lifetimes offered by the widget: key -> (seconds or None for no exp, words).
LIFETIMES: dict[str, tuple[int | None, str]] = {
    "5m": (300, "5 minutes"),
    "1h": (3600, "1 hour"),
    "1d": (86400, "1 day"),
    "30d": (30 * 86400, "30 days"),
    "none": (None, "no exp"),
}
DEFAULT_LIFETIME = "1d"  # the article's owner tokens expire one day after minting


@dataclass(frozen=True)
class StorageOption:
    """One place to keep the token; `stolen_useful` has a `{lifetime}` slot for the token's life."""

    key: str
    label: str
    xss_reads: str
    cross_site: str
    reload: str
    restart: str
    rest_calls: str
    stolen_useful: str
    exposure: str  # one sentence: how long the token sits where a script can take it


OPTIONS: tuple[StorageOption, ...] = (
    StorageOption(
        key="article",
        label="Re-minted per join; host marked by a signed HttpOnly cookie (the article's design)",
        xss_reads="Not the host cookie (HttpOnly). While the page is open it can call /join itself "
        "and read the fresh token from the answer.",
        cross_site="Nothing: the host cookie is SameSite=Strict, and /join wants a JSON body that "
        "a cross-site form cannot send.",
        reload="Yes: the host cookie stays, and the page asks /join for a new token.",
        restart="Yes, for a day: the host cookie has a one-day Max-Age, and the page asks /join for "
        "a new token.",
        rest_calls="1 (POST /meeting-tokens on every join)",
        stolen_useful="Up to {lifetime}: the token's exp; the page drops its copy once join() has it.",
        exposure="The token exists in the page only between the /join answer and join().",
    ),
    StorageOption(
        key="httponly-cookie",
        label="The token itself in an HttpOnly cookie",
        xss_reads="Not the cookie. But the page needs the token for join(), so whatever hands it "
        "over (an endpoint, the HTML) hands it to the script too.",
        cross_site="The cookie rides along under its SameSite rule: with Lax (Chromium's default), "
        "top-level GET navigations from other sites carry it.",
        reload="Yes.",
        restart="Yes, if the cookie has Max-Age or Expires; a session cookie does not.",
        rest_calls="0 while the token lasts (1 per lifetime)",
        stolen_useful="Up to {lifetime}: until its exp, whatever happens to the cookie.",
        exposure="Readable by the page's scripts only through whatever hands it to join().",
    ),
    StorageOption(
        key="readable-cookie",
        label="In a cookie scripts can read (the game's earlier design)",
        xss_reads="The token: document.cookie shows it.",
        cross_site="The token, under the cookie's SameSite rule (Lax by default in Chromium): "
        "the same cross-site requests as an HttpOnly cookie.",
        reload="Yes.",
        restart="Yes, if the cookie has Max-Age or Expires; a session cookie does not.",
        rest_calls="0 while the token lasts (1 per lifetime)",
        stolen_useful="Up to {lifetime}: until its exp.",
        exposure="Readable by any script on the site until the cookie expires.",
    ),
    StorageOption(
        key="local-storage",
        label="localStorage",
        xss_reads="The token: localStorage.getItem() returns it.",
        cross_site="Nothing by itself: storage is never attached to requests; only the page's own "
        "code can send it.",
        reload="Yes.",
        restart="Yes: it stays until code or the user deletes it, even after exp.",
        rest_calls="0 while the token lasts (1 per lifetime)",
        stolen_useful="Up to {lifetime}: until its exp.",
        exposure="Readable by any script on the origin, across restarts, until something deletes it.",
    ),
    StorageOption(
        key="session-storage",
        label="sessionStorage",
        xss_reads="The token: sessionStorage.getItem() returns it.",
        cross_site="Nothing by itself: storage is never attached to requests.",
        reload="Yes, in the same tab.",
        restart="No (unless the browser restores the tab's session); a new tab starts empty.",
        rest_calls="0 within a tab while the token lasts; 1 per new tab",
        stolen_useful="Up to {lifetime}: until its exp.",
        exposure="Readable by any script in that tab until the tab closes.",
    ),
    StorageOption(
        key="memory",
        label="Memory only (a variable; fetched on every page load)",
        xss_reads="The token, while the page is open: a script on the page can reach it or ask "
        "for a new one the same way the page does.",
        cross_site="Nothing: it is never attached to requests.",
        reload="No: the page fetches a new one.",
        restart="No.",
        rest_calls="1 per page load",
        stolen_useful="Up to {lifetime}: until its exp.",
        exposure="Readable by scripts on that page while it is open.",
    ),
)
OPTIONS_BY_KEY: dict[str, StorageOption] = {option.key: option for option in OPTIONS}
DEFAULT_OPTION = "article"


def lifetime_words(lifetime: str) -> str:
    """How long a token of this lifetime lives, in words ("1 day")."""
    if lifetime not in LIFETIMES:
        raise ValueError(f"lifetime must be one of {', '.join(LIFETIMES)}, not {lifetime!r}")
    return LIFETIMES[lifetime][1]


def stolen_useful(option: StorageOption, lifetime: str) -> str:
    """The option's "stolen token" cell for a token of this lifetime."""
    if LIFETIMES.get(lifetime, (0,))[0] is None:
        return "Forever: with no exp, only a new API key stops it, and only if it was self-signed."
    return option.stolen_useful.format(lifetime=lifetime_words(lifetime))


def tradeoff_rows(lifetime: str = DEFAULT_LIFETIME) -> list[dict[str, str]]:
    """Every option as a row of cells keyed like `COLUMNS`, for a token of this lifetime."""
    lifetime_words(lifetime)  # rejects an unknown lifetime
    return [
        {
            "key": option.key,
            **{name: getattr(option, name) for name in COLUMNS},
            "stolen_useful": stolen_useful(option, lifetime),
        }
        for option in OPTIONS
    ]


def summary(choice: str, lifetime: str = DEFAULT_LIFETIME) -> str:
    """One paragraph on one choice: exposure, then how long a stolen token stays useful."""
    if choice not in OPTIONS_BY_KEY:
        raise ValueError(f"choice must be one of {', '.join(OPTIONS_BY_KEY)}, not {choice!r}")
    option = OPTIONS_BY_KEY[choice]
    return f"{option.label}: {option.exposure} A stolen token: {stolen_useful(option, lifetime)}"


def markdown_overview(lifetime: str = DEFAULT_LIFETIME, columns: tuple[str, ...] | None = None) -> str:
    """The trade-offs as Markdown for the chapter: each option in bold, then one bullet per column.

    Seven columns of sentences are too wide for a table on a book page, so each option gets a
    short list instead (``IPython.display.Markdown`` renders it). ``columns`` picks a few of
    ``COLUMNS`` by name (all of them by default).
    """
    chosen = [name for name in COLUMNS if name != "label"] if columns is None else list(columns)
    if unknown := [name for name in chosen if name not in COLUMNS]:
        raise ValueError(f"columns must be among {', '.join(COLUMNS)}, not {unknown}")
    lines: list[str] = []
    for row in tradeoff_rows(lifetime):
        lines += [f"**{row['label']}**", ""]
        lines += [f"- *{COLUMNS[name]}*: {row[name]}" for name in chosen]
        lines.append("")
    return "\n".join(lines)
