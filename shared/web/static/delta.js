// Applies a live event's delta to the snapshot a page holds: the same rules as
// shared/web/snapshot_delta.py's apply_delta (that module's docstring describes the changes).
(function (root) {
  "use strict";

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function applyDelta(value, change) {
    if (change === null || change === undefined) return value;
    if (Object.prototype.hasOwnProperty.call(change, "=")) return clone(change["="]);
    if (Object.prototype.hasOwnProperty.call(change, "{}")) {
      const result = Object.assign({}, value);
      for (const key of change["-"] || []) delete result[key];
      for (const [key, subChange] of Object.entries(change["{}"])) {
        result[key] = applyDelta(result[key], subChange);
      }
      return result;
    }
    const field = change["[]"];
    const byKey = new Map(value.map((item) => [item[field], item]));
    const removed = new Set(change["-"] || []);
    const added = [];
    for (const [key, subChange] of change.items) {
      if (!byKey.has(key)) added.push(key);
      byKey.set(key, applyDelta(byKey.get(key), subChange));
    }
    const order = change.order ||
      value.map((item) => item[field]).filter((key) => !removed.has(key)).concat(added);
    return order.map((key) => byKey.get(key));
  }

  root.JonoDelta = { apply: applyDelta };
  if (typeof module !== "undefined" && module.exports) module.exports = root.JonoDelta;
})(typeof window !== "undefined" ? window : globalThis);
