"""The monthly weighted average of a period, with the moves that take their cost from it.

Why a linear system per item
----------------------------
Each item × warehouse has its own rate (opening value + in value) / (opening qty + in qty).
Some incoming moves take their value from an outgoing move of the same period: a transfer in
(from the transfer out at the other warehouse, or out of transit), a sales return linked to a
delivery. Their value is only known once the source's rate is, and the source's rate may depend
on them in turn (goods sent from A to B and back within the month). So the rates of an item's
warehouses are the solution of a small linear system, solved exactly with fractions:

    Q_k · r_k − Σ (qty linked from j into k) · r_j = B_k

where Q_k is the key's opening qty plus every in qty (linked ones too) and B_k its opening
value plus the value of the ins that do not depend on the period's issues. No iteration, no
cycle to break, and an item whose warehouses have no links (nearly all) is simply
r = B / Q, as before. Each issue then takes −R(qty × r) (rounded half up); each linked in takes
its source's value as the posting does (value_for's LINKED_IN), and a key that ends the period
empty gives its last issue whatever remains — in the order of those last issues, so that the
rest it passes on through a transfer reaches the next key before that key settles.

Kingdee offers one rate per item over all warehouses instead; here every warehouse keeps its own
stock value, and one rate for all would push a warehouse holding cheap goods below zero.

Between items the dependence goes through assemblies (an output of a monthly-average item takes
the final value of its monthly-average components) and disassemblies (a component takes its
share of what was taken apart): items are solved in dependency order (a worklist; a cycle
between items within one month is re-solved at most MAX_ROUNDS times)."""

from collections import defaultdict, deque
from fractions import Fraction

from openjxc.core.numbers import div_half_up
from openjxc.inventory.links import shares_of, split_share
from openjxc.inventory.models import StockMove as M

MAX_ROUNDS = 5


class MonthlyMoves:
    """The period's moves of monthly-average items and their final values."""

    def __init__(self, rows, opening, links):
        """rows: (id, item, wh, date text, qty, value, rule, document, line) in timeline order;
        opening: key -> (qty, value); links: (move, source move, rule) where the source is an
        outgoing move of the period of a monthly-average item (either may be of any item)."""
        self.opening = opening
        self.rows = {r[0]: r for r in rows}
        self.value: dict = {}  # move -> final value, where it was computed
        self.keys: dict = defaultdict(lambda: defaultdict(list))  # item -> key -> [move ids]
        for r in rows:
            self.keys[r[1]][(r[1], r[2])].append(r[0])
        self.source: dict = {}  # linked move in the period -> (its source, rule)
        self.components: dict = defaultdict(list)  # assembled output in the period -> components
        self.feeds: dict = defaultdict(set)  # source -> items of the period moves it feeds
        for mid, src, rule in links:
            if mid not in self.rows or src not in self.rows:
                continue
            if rule == M.ASSEMBLED_IN:
                self.components[mid].append(src)
            else:
                self.source[mid] = (src, rule)
            self.feeds[src].add(self.rows[mid][1])
        self.linked = {self.rows[m][1] for m in (*self.source, *self.components)}
        self._shares: dict = {}

    def solve(self) -> None:
        """Items without linked moves first (their rates are final at once), then the others
        in a worklist: an item is solved again when an issue its moves take from changed."""
        for item, keys in self.keys.items():
            if item not in self.linked:
                for key, ids in keys.items():
                    self._simple(key, ids)
        queue, rounds = deque(sorted(self.linked)), defaultdict(int)
        queued = set(queue)
        while queue:
            item = queue.popleft()
            queued.discard(item)
            rounds[item] += 1
            issues = self._issues(item)
            before = [self.val(m) for m in issues]
            self._solve_item(item)
            for mid, was in zip(issues, before, strict=True):
                if self.val(mid) == was:
                    continue
                for other in self.feeds.get(mid, ()):
                    if other != item and other not in queued and rounds[other] < MAX_ROUNDS:
                        queue.append(other)
                        queued.add(other)

    def val(self, mid) -> int:
        return self.value[mid] if mid in self.value else int(self.rows[mid][5])

    def qty(self, mid) -> int:
        return int(self.rows[mid][4])

    def _simple(self, key, ids) -> None:
        """(opening value + in value) / (opening qty + in qty) for a key without linked ins."""
        tq, tv = self.opening.get(key, (0, 0))
        out = []
        for mid in ids:
            q = int(self.rows[mid][4])
            if q < 0 and self.rows[mid][6] != M.FIXED_IN:
                out.append((mid, q))
            else:  # receipts, returns in, value-only rows: the period's in
                tq, tv = tq + q, tv + int(self.rows[mid][5])
        if not out or tq <= 0:
            return
        taken = 0
        for mid, q in out:
            self.value[mid] = -div_half_up(-q * tv, tq)
            taken += self.value[mid]
        if tq + sum(q for _m, q in out) == 0:  # the period ends empty: the last takes the rest
            self.value[out[-1][0]] -= tv + taken

    def _issues(self, item):
        return [m for ids in self.keys[item].values() for m in ids if self._is_issue(m)]

    def _is_issue(self, mid) -> bool:
        return self.qty(mid) < 0 and self.rows[mid][6] != M.FIXED_IN

    def _linked_value(self, mid) -> int:
        """A move's value from its sources' current values, as the posting computes it."""
        if mid in self.components:  # an output: its components' changes, with the sign turned
            was = int(self.rows[mid][5])
            return was - sum(self.val(c) - int(self.rows[c][5]) for c in self.components[mid])
        src, rule = self.source[mid]
        if rule == M.SPLIT_IN:
            line = self.rows[mid][8]
            if line not in self._shares:
                self._shares[line] = shares_of(line)
            return split_share(-self.val(src), self._shares[line][self.rows[mid][1]])
        return div_half_up(self.qty(mid) * self.val(src), self.qty(src))

    def _solve_item(self, item) -> None:
        keys = self.keys[item]
        internal = {}  # linked in -> (its key, the key of its source), both of this item
        for key, ids in keys.items():
            for mid in ids:
                if mid in self.components or mid in self.source:
                    src = self.source.get(mid, (None,))[0]
                    if src is not None and self.rows[src][1] == item and self._is_issue(src):
                        internal[mid] = (key, (item, self.rows[src][2]))
                    else:  # from another item (solved before) or from no issue: a constant
                        self.value[mid] = self._linked_value(mid)
        q_tot, b_tot, issues = {}, {}, {}
        for key, ids in keys.items():
            q, b = self.opening.get(key, (0, 0))
            issues[key] = [m for m in ids if self._is_issue(m)]
            for mid in ids:
                if not self._is_issue(mid):
                    q += self.qty(mid)
                    b += 0 if mid in internal else self.val(mid)
            q_tot[key], b_tot[key] = q, b
        rates = _rates(q_tot, b_tot, internal, self.qty)
        for key, out in issues.items():
            if not out or q_tot[key] <= 0:
                continue
            r = rates[key]
            for mid in out:
                self.value[mid] = -div_half_up(-self.qty(mid) * r.numerator, r.denominator)
        for mid in internal:
            self.value[mid] = self._linked_value(mid)
        # keys that end empty: the last issue takes the rest, in the order of those issues
        empty = [
            (self.rows[out[-1]][3], out[-1], key)
            for key, out in issues.items()
            if out and q_tot[key] > 0 and q_tot[key] + sum(self.qty(m) for m in out) == 0
        ]
        for _day, last, key in sorted(empty):
            held = self.opening.get(key, (0, 0))[1] + sum(
                self.val(m) for m in keys[key] if m != last
            )
            self.value[last] = -held
            for mid, (_k, src_key) in internal.items():
                if src_key == key:
                    self.value[mid] = self._linked_value(mid)

    def changed(self):
        """(move id, row, change) of every move whose value the close changes, in the rows'
        order (by key and timeline)."""
        value = self.value
        for mid, row in self.rows.items():
            if mid in value and value[mid] != int(row[5]):
                yield mid, row, value[mid] - int(row[5])


def _rates(q_tot, b_tot, internal, qty) -> dict:
    """key -> rate (Fraction): B / Q, or the linear system's solution for the keys that
    linked ins tie together (qty: move -> its quantity)."""
    rates = {k: Fraction(b_tot[k], q_tot[k]) for k in q_tot if q_tot[k] > 0}
    if not internal:
        return rates
    tied = sorted({k for pair in internal.values() for k in pair if q_tot[k] > 0})
    at = {k: n for n, k in enumerate(tied)}
    size = len(tied)
    matrix = [[Fraction(0)] * size + [Fraction(b_tot[k])] for k in tied]
    for k in tied:
        matrix[at[k]][at[k]] += q_tot[k]
    for mid, (key, src_key) in internal.items():
        if key in at and src_key in at:  # the linked value is about qty × the source's rate
            matrix[at[key]][at[src_key]] -= qty(mid)
    solved = _gauss(matrix)
    if solved is not None:
        rates.update({k: solved[at[k]] for k in tied})
    return rates


def _gauss(matrix) -> list | None:
    """Gauss–Jordan elimination in fractions; None when the system is singular."""
    size = len(matrix)
    for col in range(size):
        pivot = next((r for r in range(col, size) if matrix[r][col] != 0), None)
        if pivot is None:
            return None
        matrix[col], matrix[pivot] = matrix[pivot], matrix[col]
        head = matrix[col][col]
        matrix[col] = [x / head for x in matrix[col]]
        for r in range(size):
            if r != col and matrix[r][col] != 0:
                f = matrix[r][col]
                matrix[r] = [a - f * b for a, b in zip(matrix[r], matrix[col], strict=True)]
    return [row[-1] for row in matrix]
