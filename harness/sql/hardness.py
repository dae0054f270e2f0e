"""Spider hardness (easy/medium/hard/extra) of a SQL query, as the official ``eval_hardness`` computes it.

The official evaluator parses with its own schema-aware ``process_sql`` and counts clauses of the
*top-level* SELECT (the left-most one of a UNION/INTERSECT/EXCEPT chain). We count the same things on a
sqlglot AST, no schema needed. Quirks of the official counts are kept on purpose:

* "aggregations" (``count_agg``) also count NOT-predicates in WHERE and HAVING, and every AND/OR
  connector in HAVING (the official code applies ``has_agg`` to condition lists);
* a SELECT item counts as aggregated only when its outermost expression is MAX/MIN/COUNT/SUM/AVG;
* an ORDER BY item ``a op b`` counts the aggregates among both operands;
* nested queries count only in WHERE/HAVING/JOIN-ON values plus one for a set operation; a subquery in
  FROM counts as one more table (a join), its own clauses are not counted;
* when a comparison's value is a column (``a < b``), the official parser reads on to the next AND, so
  ``a < b OR c > d`` is one condition with no OR: the OR and the conditions it joins are dropped;
* double-quoted text is a string value, as in the official tokenizer (it rewrites ' to ").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from harness.sql.normalize import double_quotes_to_strings

_AGGREGATES = (exp.Max, exp.Min, exp.Count, exp.Sum, exp.Avg)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div)
_VALUE_ARGS = ("expression", "query", "low", "high")


@dataclass
class _Condition:
    """A flattened AND/OR condition: predicates in order and the connectors between them."""
    units: list[exp.Expression] = field(default_factory=list)
    connectors: list[str] = field(default_factory=list)

    def extend(self, other: _Condition, connector: str) -> None:
        if self.units and other.units:
            self.connectors.append(connector)
        self.units += other.units
        self.connectors += other.connectors


def _unparen(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _flatten(node: exp.Expression | None) -> _Condition:
    """Flatten an AND/OR tree the way the official parser reads it (see the module docstring)."""
    raw = _flatten_tree(node)
    cond = _Condition()
    i = 0
    while i < len(raw.units):
        if cond.units:
            cond.connectors.append(raw.connectors[i - 1])
        cond.units.append(raw.units[i])
        swallow = _value_is_column(raw.units[i])
        i += 1
        while swallow and i < len(raw.units) and raw.connectors[i - 1] == "or":
            i += 1
    return cond


def _value_is_column(unit: exp.Expression) -> bool:
    _, pred = _predicate(unit)
    if isinstance(pred, exp.Between):
        value = pred.args.get("high")
    elif isinstance(pred, exp.In):
        value = pred.args.get("query") or (pred.expressions[-1] if pred.expressions else None)
    else:
        value = pred.args.get("expression")
    if value is None:
        return False
    value = _unparen(value)
    if isinstance(value, exp.Neg):
        value = _unparen(value.this)
    return not isinstance(value, (exp.Literal, exp.Subquery, exp.Query, exp.Null, exp.Boolean))


def _flatten_tree(node: exp.Expression | None) -> _Condition:
    cond = _Condition()
    if node is None:
        return cond
    node = _unparen(node)
    if isinstance(node, exp.Connector):
        cond.extend(_flatten_tree(node.this), "")
        cond.extend(_flatten_tree(node.expression), "or" if isinstance(node, exp.Or) else "and")
        return cond
    cond.units.append(node)
    return cond


def _predicate(unit: exp.Expression) -> tuple[bool, exp.Expression]:
    """(negated, predicate) for a condition unit."""
    if isinstance(unit, exp.Not):
        return True, _unparen(unit.this)
    return False, unit


def _nested_values(unit: exp.Expression) -> int:
    _, pred = _predicate(unit)
    values = [pred.args.get(name) for name in _VALUE_ARGS] + list(pred.args.get("expressions") or [])
    return sum(isinstance(_unparen(v), (exp.Subquery, exp.Query)) for v in values if isinstance(v, exp.Expression))


def _is_agg(node: exp.Expression | None) -> bool:
    return isinstance(node, _AGGREGATES)


def _order_aggs(item: exp.Expression) -> int:
    node = _unparen(item.this if isinstance(item, exp.Ordered) else item)
    if isinstance(node, _ARITHMETIC):
        return _is_agg(_unparen(node.this)) + _is_agg(_unparen(node.expression))
    return int(_is_agg(node))


def _top_select(tree: exp.Expression) -> tuple[exp.Select, int]:
    """The left-most SELECT and the number of set operations attached to it (0 or 1)."""
    set_ops = 0
    node = tree
    while True:
        if isinstance(node, exp.SetOperation):
            set_ops = 1
            node = node.this
        elif isinstance(node, (exp.Subquery, exp.Paren)):
            node = node.this
        else:
            break
    if not isinstance(node, exp.Select):
        raise ValueError(f"not a SELECT query: {tree.sql(dialect='sqlite')[:80]!r}")
    return node, set_ops


def _join_conditions(select: exp.Select) -> _Condition:
    cond = _Condition()
    for join in select.args.get("joins") or []:
        cond.extend(_flatten(join.args.get("on")), "and")
    return cond


def _counts(select: exp.Select, set_ops: int) -> tuple[int, int, int]:
    where = _flatten(select.args["where"].this if select.args.get("where") else None)
    having = _flatten(select.args["having"].this if select.args.get("having") else None)
    join_on = _join_conditions(select)
    group = select.args["group"].expressions if select.args.get("group") else []
    order = select.args["order"].expressions if select.args.get("order") else []
    tables = (1 if select.args.get("from_") else 0) + len(select.args.get("joins") or [])
    all_units = join_on.units + where.units + having.units
    all_connectors = join_on.connectors + where.connectors + having.connectors

    component1 = sum(bool(x) for x in (where.units, group, order, select.args.get("limit")))
    component1 += max(tables - 1, 0)
    component1 += all_connectors.count("or")
    component1 += sum(isinstance(_predicate(u)[1], exp.Like) for u in all_units)

    component2 = set_ops + sum(_nested_values(u) for u in all_units)

    aggs = sum(_is_agg(e.this if isinstance(e, exp.Alias) else e) for e in select.expressions)
    aggs += sum(_predicate(u)[0] for u in where.units)
    aggs += sum(_is_agg(_unparen(g)) for g in group)
    aggs += sum(_order_aggs(o) for o in order)
    aggs += sum(_predicate(u)[0] for u in having.units) + len(having.connectors)
    others = (aggs > 1) + (len(select.expressions) > 1) + (len(where.units) > 1) + (len(group) > 1)
    return component1, component2, others


def hardness_from_counts(component1: int, component2: int, others: int) -> str:
    """The official thresholds of ``Evaluator.eval_hardness``."""
    if component1 <= 1 and others == 0 and component2 == 0:
        return "easy"
    if (others <= 2 and component1 <= 1 and component2 == 0) or \
            (component1 <= 2 and others < 2 and component2 == 0):
        return "medium"
    if (others > 2 and component1 <= 2 and component2 == 0) or \
            (2 < component1 <= 3 and others <= 2 and component2 == 0) or \
            (component1 <= 1 and others == 0 and component2 <= 1):
        return "hard"
    return "extra"


def hardness(sql: str) -> str:
    """"easy" | "medium" | "hard" | "extra"; raises ValueError when ``sql`` is not a parseable SELECT."""
    try:
        tree = sqlglot.parse_one(double_quotes_to_strings(sql), read="sqlite")
    except sqlglot.errors.SqlglotError as exc:
        raise ValueError(f"cannot parse SQL for hardness: {exc}") from exc
    select, set_ops = _top_select(tree)
    return hardness_from_counts(*_counts(select, set_ops))
