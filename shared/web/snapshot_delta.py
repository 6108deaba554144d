"""Small deltas between two snapshots of a service point, for the live events.

A full snapshot with a hundred people waiting is some 13 kB; sent with every event to 2 000
sockets it would be 26 MB a call. A delta names only what changed, and the pages apply it to the
snapshot they hold (`shared/web/static/delta.js` does the same as `apply_delta` here).

A change is one of:
- ``{"=": value}``: the new value as a whole;
- ``{"{}": {key: change, ...}, "-": [key, ...]}``: a dict with some keys changed, some removed;
- ``{"[]": field, "items": [[key, change], ...], "-": [key, ...], "order": [key, ...]}``: a list
  of dicts told apart by `field` ("id" or "number"): the items changed or added, the ones
  removed, and the new order of the keys when it is not the old order (minus the removed ones)
  followed by the added ones in turn.
"""

from __future__ import annotations

import copy

LIST_KEYS = ("id", "number")  # the fields list items are told apart by, in order of preference


def diff(old, new) -> dict | None:
    """The change that turns `old` into `new`, or None when they are equal."""
    if old == new:
        return None
    if isinstance(old, dict) and isinstance(new, dict):
        changes = {key: {"=": value} for key, value in new.items() if key not in old}
        for key, value in new.items():
            if key in old:
                change = diff(old[key], value)
                if change is not None:
                    changes[key] = change
        patch: dict = {"{}": changes}
        removed = [key for key in old if key not in new]
        if removed:
            patch["-"] = removed
        return patch
    field = _list_key(old) if isinstance(new, list) else None
    if field is not None and _list_key(new) == field:
        return _list_diff(old, new, field)
    return {"=": new}


def apply_delta(value, change: dict | None):
    """`value` with `change` applied (a new object: `value` is not modified)."""
    if change is None:
        return value
    if "=" in change:
        return copy.deepcopy(change["="])
    if "{}" in change:
        result = dict(value)
        for key in change.get("-", ()):
            result.pop(key, None)
        for key, sub_change in change["{}"].items():
            result[key] = apply_delta(result.get(key), sub_change)
        return result
    field = change["[]"]
    by_key = {item[field]: item for item in value}
    removed = set(change.get("-", ()))
    added = []
    for key, sub_change in change["items"]:
        if key not in by_key:
            added.append(key)
        by_key[key] = apply_delta(by_key.get(key), sub_change)
    order = change.get("order")
    if order is None:
        order = [item[field] for item in value if item[field] not in removed] + added
    return [by_key[key] for key in order]


def _list_key(items) -> str | None:
    """The field that tells the dicts of a list apart, or None (then it is replaced whole)."""
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return None
    for field in LIST_KEYS:
        keys = [item.get(field) for item in items]
        if None not in keys and len(set(keys)) == len(keys):
            return field
    return None


def _list_diff(old: list, new: list, field: str) -> dict:
    """The change of a keyed list: changed and added items, removed keys, order if need be."""
    old_by_key = {item[field]: item for item in old}
    new_keys = [item[field] for item in new]
    items = []
    for item in new:
        key = item[field]
        if key not in old_by_key:
            items.append([key, {"=": item}])
        else:
            change = diff(old_by_key[key], item)
            if change is not None:
                items.append([key, change])
    kept = set(new_keys)
    removed = [key for key in old_by_key if key not in kept]
    patch: dict = {"[]": field, "items": items}
    if removed:
        patch["-"] = removed
    added = [key for key in new_keys if key not in old_by_key]
    default_order = [item[field] for item in old if item[field] in kept] + added
    if default_order != new_keys:
        patch["order"] = new_keys
    return patch
