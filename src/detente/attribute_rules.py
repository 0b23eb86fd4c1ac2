"""spaCy's attribute ruler, applied by table look-up instead of a ``Matcher``.

An English pipeline's ``attribute_ruler`` maps each fine-grained tag to its part of speech
and morphology and corrects some words ("'s" as VBZ is "be"; "that" as a determiner that is
no determiner is a pronoun). spaCy runs every one of its rules, as ``Matcher`` patterns,
over every token of every document: on the event stage's sentences that costs as much as
the parser itself (``docs/evaluation.md``, whole-pipeline speed). Nearly every rule is one
token compared on its tag, its lower-case form or its dependency label, so each rule is
indexed by one value it names (its form, label, tag or white-space flag), a token's
candidate rules are found by looking its values up, and only those are tested; the result
for each distinct (tag, form, label, space) row is remembered.

``compile_rules`` reads the rules of a loaded ruler; ``FastAttributeRuler`` applies them
with the ruler's own semantics: every rule is tested against the document as the earlier
components left it, then the attributes of the matching rules are set in the order the
rules were added (a later rule overrides an earlier one), through spaCy's own
``set_token_attrs``. A ruler holding a rule this module cannot read (another token
attribute, an operator, an unknown predicate) gives ``None``: the pipeline then keeps
spaCy's component. ``tests/test_attribute_rules.py`` checks that both set the same
attributes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

# Token attributes a rule may compare, read from ``Doc.to_array`` in this order.
_COLUMNS = ("TAG", "LOWER", "DEP", "IS_SPACE")

# A compiled condition on one column: ("eq", hash), ("in", hashes), ("not_in", hashes),
# ("regex", pattern) or ("bool", value).
Condition = tuple[str, Any]


@dataclass(frozen=True)
class TokenRule:
    conditions: tuple[tuple[int, Condition], ...]  # (column index, condition)


@dataclass(frozen=True)
class Rule:
    order: int  # the ruler's attribute id: later rules override earlier ones
    tokens: tuple[TokenRule, ...]
    index: int  # which token of the match the attributes go to (may be negative)
    attrs: Any  # the ruler's normalised attributes, as ``set_token_attrs`` takes them


@dataclass(frozen=True)
class CompiledRules:
    # One-token rules by (column, value) of one condition that names its values (the
    # first of LOWER, DEP, TAG, IS_SPACE that does); ``single_other`` have none.
    single: dict[tuple[int, Any], tuple[Rule, ...]]
    single_other: tuple[Rule, ...]
    # Rules of several tokens, by the same key of their first token.
    multi: dict[tuple[int, Any], tuple[Rule, ...]]
    multi_other: tuple[Rule, ...]
    needs_dep: bool


class Unsupported(ValueError):
    pass


def _condition(name: str, value: Any, strings: Any) -> Condition:
    if name == "IS_SPACE":
        if not isinstance(value, bool):
            raise Unsupported(f"IS_SPACE {value!r}")
        return ("bool", value)
    if isinstance(value, str):
        return ("eq", strings.add(value) if value else 0)
    if isinstance(value, dict) and len(value) == 1:
        ((op, arg),) = value.items()
        if op in ("IN", "NOT_IN") and isinstance(arg, list):
            hashes = frozenset(strings.add(v) if v else 0 for v in arg)
            return ("in" if op == "IN" else "not_in", hashes)
        if op == "REGEX" and isinstance(arg, str):
            return ("regex", re.compile(arg))
    raise Unsupported(f"{name} {value!r}")


# Which condition indexes a rule: the most selective column that names its values.
_INDEX_PREFERENCE = (1, 2, 0, 3)  # LOWER, DEP, TAG, IS_SPACE


def _index_keys(rule: TokenRule) -> list[tuple[int, Any]]:
    by_column = dict(rule.conditions)
    for column in _INDEX_PREFERENCE:
        condition = by_column.get(column)
        if condition is None:
            continue
        kind, arg = condition
        if kind == "eq":
            return [(column, arg)]
        if kind == "in":
            return [(column, value) for value in arg]
        if kind == "bool":
            return [(column, int(arg))]
    return []


def compile_rules(ruler: Any) -> CompiledRules | None:
    """The rules of a spaCy ``AttributeRuler``, or None when one of them is of a kind this
    module does not apply (the caller then keeps spaCy's component)."""
    strings = ruler.vocab.strings
    single: dict[tuple[int, Any], list[Rule]] = {}
    multi: dict[tuple[int, Any], list[Rule]] = {}
    single_other: list[Rule] = []
    multi_other: list[Rule] = []
    needs_dep = False
    try:
        for order, spec in enumerate(ruler.patterns):
            attrs = ruler.attrs[order]
            index = ruler.indices[order]
            if not isinstance(attrs, dict) or "_" in attrs:
                raise Unsupported("extension attributes")
            for pattern in spec["patterns"]:
                tokens = []
                for token in pattern:
                    conditions = []
                    for name, value in token.items():
                        if name not in _COLUMNS:
                            raise Unsupported(name)
                        needs_dep = needs_dep or name == "DEP"
                        conditions.append((_COLUMNS.index(name), _condition(name, value, strings)))
                    tokens.append(TokenRule(tuple(conditions)))
                if not tokens or not -len(tokens) <= index < len(tokens):
                    raise Unsupported(f"index {index} of {len(tokens)} tokens")
                rule = Rule(order, tuple(tokens), index, attrs)
                keys = _index_keys(tokens[0])
                table, other = (single, single_other) if len(tokens) == 1 else (multi, multi_other)
                for key in keys:
                    table.setdefault(key, []).append(rule)
                if not keys:
                    other.append(rule)
    except Unsupported:
        return None
    return CompiledRules(
        {k: tuple(v) for k, v in single.items()},
        tuple(single_other),
        {k: tuple(v) for k, v in multi.items()},
        tuple(multi_other),
        needs_dep,
    )


def _holds(condition: Condition, value: int, text: Callable[[int], str]) -> bool:
    kind, arg = condition
    if kind == "eq":
        return bool(value == arg)
    if kind == "in":
        return bool(value in arg)
    if kind == "not_in":
        return bool(value not in arg)
    if kind == "bool":
        return bool(value) is bool(arg)
    return bool(arg.search(text(value)) is not None)


def _token_matches(rule: TokenRule, row: tuple[int, ...], text: Callable[[int], str]) -> bool:
    return all(_holds(cond, row[column], text) for column, cond in rule.conditions)


def single_matches(
    rules: CompiledRules, row: tuple[int, ...], text: Callable[[int], str]
) -> tuple[Rule, ...]:
    """The one-token rules that hold for a token (its ``_COLUMNS`` values), in rule order."""
    found = [
        rule
        for column, value in enumerate(row)
        for rule in rules.single.get((column, value), ())
        if _token_matches(rule.tokens[0], row, text)
    ]
    found += [r for r in rules.single_other if _token_matches(r.tokens[0], row, text)]
    return tuple(sorted(found, key=lambda r: r.order))


def multi_matches(
    rules: CompiledRules, rows: list[tuple[int, ...]], text: Callable[[int], str]
) -> Iterator[tuple[int, Rule]]:
    """(token the attributes go to, rule) of every rule of several tokens that holds."""
    for i, row in enumerate(rows):
        candidates = [
            rule
            for column, value in enumerate(row)
            for rule in rules.multi.get((column, value), ())
        ]
        for rule in [*candidates, *rules.multi_other]:
            n = len(rule.tokens)
            if i + n <= len(rows) and all(
                _token_matches(t, rows[i + k], text) for k, t in enumerate(rule.tokens)
            ):
                yield (i + rule.index if rule.index >= 0 else i + n + rule.index), rule


def merged_attrs(rules: Iterable[Rule]) -> dict[Any, Any]:
    """The attributes ``rules`` set, a later rule's value replacing an earlier one's:
    what setting them one after the other leaves (token attributes are independent)."""
    merged: dict[Any, Any] = {}
    for rule in sorted(rules, key=lambda r: r.order):
        merged.update(rule.attrs)
    return merged


class FastAttributeRuler:
    """A pipeline component doing what a spaCy ruler does (see the module's docstring),
    once ``bind`` has given it the ruler and its compiled rules."""

    # Distinct (tag, form, label, space) rows remembered with their attributes.
    CACHE_SIZE = 200_000

    def __init__(self) -> None:
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG
        from spacy.tokens._retokenize import set_token_attrs

        self._ruler: Any = None
        self._rules = CompiledRules({}, (), {}, (), False)
        self._columns = [TAG, LOWER, DEP, IS_SPACE]
        self._set = set_token_attrs
        self._cache: dict[tuple[int, ...], tuple[tuple[Rule, ...], dict[Any, Any]]] = {}

    def bind(self, ruler: Any, rules: CompiledRules) -> None:
        self._ruler = ruler
        self._rules = rules
        self._cache.clear()

    def __call__(self, doc: Any) -> Any:
        if self._ruler is None:
            raise RuntimeError("FastAttributeRuler used before bind()")
        if self._rules.needs_dep and not doc.has_annotation("DEP"):
            return self._ruler(doc)  # spaCy's matcher then treats missing labels its own way
        # Every rule is tested against the document as it came in, before any is applied.
        rows = [tuple(row) for row in doc.to_array(self._columns).tolist()]
        text = self._ruler.vocab.strings.__getitem__
        extra: dict[int, list[Rule]] = {}
        for at, rule in multi_matches(self._rules, rows, text):
            extra.setdefault(at, []).append(rule)
        cache = self._cache
        for i, row in enumerate(rows):
            known = cache.get(row)
            if known is None:
                if len(cache) >= self.CACHE_SIZE:
                    cache.clear()
                rules = single_matches(self._rules, row, text)
                known = cache[row] = (rules, merged_attrs(rules))
            attrs = known[1] if i not in extra else merged_attrs([*known[0], *extra[i]])
            if attrs:
                self._set(doc[i], attrs)
        return doc

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)


def register(name: str) -> None:
    """Make ``FastAttributeRuler`` a spaCy factory called ``name`` (once per process)."""
    from spacy.language import Language

    if not Language.has_factory(name):
        Language.factory(name)(_make_fast_ruler)


def _make_fast_ruler(nlp: Any, name: str) -> FastAttributeRuler:
    return FastAttributeRuler()
