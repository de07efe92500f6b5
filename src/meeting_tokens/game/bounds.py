"""What the game server keeps within bounds: the games it remembers, and how fast one client adds them.

Both run on the server's injected clock (unix seconds), so tests and notebooks that move the
emulator's clock move these too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

MAX_CLIENTS = 10_000  # addresses the create limit remembers at once


@dataclass(frozen=True)
class Game:
    """A game as the server remembers it: its room and when it was created (unix seconds)."""

    game_id: str
    name: str
    room_name: str
    room_url: str
    created_at: int


class Games:
    """The games the server remembers: each for ``lifetime`` seconds, at most ``capacity`` at once.

    When the server is full, a new game waits for the oldest to expire rather than pushing out
    a game in progress: otherwise whoever creates games fastest decides which games survive.
    """

    def __init__(self, capacity: int, lifetime: int, clock: Callable[[], float]) -> None:
        self.capacity, self.lifetime, self.clock = capacity, lifetime, clock
        self.games: dict[str, Game] = {}  # in creation order, so the oldest comes first

    def get(self, game_id: str) -> Game | None:
        """The game ``game_id``, or None when there is none or it has expired."""
        game = self.games.get(game_id)
        if game is None or self.expired(game):
            return None
        return game

    def wait(self) -> int:
        """Seconds until one more game fits: 0 when it fits now. Forgets expired games first."""
        while self.games:
            oldest = next(iter(self.games.values()))
            if not self.expired(oldest):
                break
            del self.games[oldest.game_id]
        if len(self.games) < self.capacity:
            return 0
        return max(1, math.ceil(oldest.created_at + self.lifetime - self.clock()))

    def add(self, game: Game) -> None:
        self.games[game.game_id] = game

    def expired(self, game: Game) -> bool:
        return self.clock() >= game.created_at + self.lifetime


class CreateLimit:
    """Per client address: up to ``burst`` games at once, then one every ``interval`` seconds.

    Each game moves the client's ``busy_until`` one interval on (from now, if it lies in the
    past), and a client may run at most ``burst`` intervals ahead of the clock: a token bucket
    kept as one number per client. A client whose ``busy_until`` has passed is no different
    from a new one, so those are forgotten when the table reaches ``MAX_CLIENTS``; if it is
    still full, new clients wait one interval, and the table stays bounded. Behind a reverse
    proxy every client has the proxy's address unless uvicorn is told to trust its
    ``X-Forwarded-For`` (``forwarded_allow_ips``).
    """

    def __init__(self, burst: int, interval: int, clock: Callable[[], float]) -> None:
        self.burst, self.interval, self.clock = burst, interval, clock
        self.busy_until: dict[str, float] = {}

    def wait(self, client: str) -> int:
        """Seconds before ``client`` may create a game; 0 means now, and counts the game."""
        now = self.clock()
        busy_until = max(self.busy_until.get(client, now), now) + self.interval
        too_far_ahead = busy_until - now - self.burst * self.interval
        if too_far_ahead > 0:
            return math.ceil(too_far_ahead)
        if client not in self.busy_until and len(self.busy_until) >= MAX_CLIENTS:
            self.busy_until = {known: until for known, until in self.busy_until.items() if until > now}
            if len(self.busy_until) >= MAX_CLIENTS:
                return self.interval
        self.busy_until[client] = busy_until
        return 0
