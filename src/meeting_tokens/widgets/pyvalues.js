// Python's values in JavaScript: what the mirror needs to read, print and write JSON exactly as
// the Python package does (json.loads, json.dumps, repr, round, len). Nothing here knows about
// tokens; mirror.js builds on it. meeting_tokens.widgets.assets concatenates the files into one
// module and drops their local imports, which are there for the reader.

// ---------------------------------------------------------------------------------------------
// Python's values in JavaScript. JSON objects parse to Maps (insertion order, as Python's dicts
// keep it), integers beyond 2**53 to BigInt, and numbers written with a fraction or an exponent
// to PyFloat: Python tells 3600 (int) from 3600.0 (float), and so must the time check.

export class PyFloat {
  constructor(value) {
    this.value = value;
  }
}

export const isMap = (v) => v instanceof Map;
export const isDict = (v) =>
  isMap(v) || (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof PyFloat));
export const entriesOf = (v) => (isMap(v) ? [...v.entries()] : Object.entries(v));
export const has = (dict, key) => (isMap(dict) ? dict.has(key) : Object.hasOwn(dict, key));
export const get = (dict, key) => (isMap(dict) ? dict.get(key) : dict[key]);

// len(s) in Python counts code points; a JavaScript string's length counts UTF-16 units.
export const pyLen = (s) => [...s].length;

// isinstance(value, int) and not isinstance(value, bool)
export const isInt = (v) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));


// ---------------------------------------------------------------------------------------------
// repr() of JSON values: the validator's messages quote values with repr.

const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
const hex = (n, width) => n.toString(16).padStart(width, "0");

function strRepr(s) {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += "\\x" + hex(code, 2);
    else if (code < 0x7f || !NOT_PRINTABLE.test(ch)) out += ch;
    else if (code <= 0xff) out += "\\x" + hex(code, 2);
    else if (code <= 0xffff) out += "\\u" + hex(code, 4);
    else out += "\\U" + hex(code, 8);
  }
  return out + quote;
}

// repr(float): shortest round-trip digits, exponent form below 1e-4 and from 1e16.
export function floatRepr(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(exponent);
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const fraction = digits.slice(exp + 1) || "0";
  return `${sign}${whole}.${fraction}`;
}

export function pyRepr(v) {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === "string") return strRepr(v);
  if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
  return (
    "{" +
    entriesOf(v)
      .map(([k, x]) => `${strRepr(k)}: ${pyRepr(x)}`)
      .join(", ") +
    "}"
  );
}

// round(x) for a finite float: the nearest integer, halves to even, as a BigInt.
export function pyRound(x) {
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2 !== 0) r -= 1;
  return BigInt(r);
}

// ---------------------------------------------------------------------------------------------
// JSON, as Python's json module writes it (json.dumps) and reads it (json.loads).

const SHORT_ESCAPES = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

function jsonString(s, ensureAscii) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i); // UTF-16 units: astral characters become surrogate pairs
    if (ch in SHORT_ESCAPES) out += SHORT_ESCAPES[ch];
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += "\\u" + hex(code, 4);
    else out += ch;
  }
  return out + '"';
}

function jsonFloat(x) {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return floatRepr(x);
}

// json.dumps(value, separators=..., indent=..., ensure_ascii=...)
export function pyJson(value, { indent = null, ensureAscii = true, separators = null } = {}) {
  const [itemSep, keySep] = separators ?? (indent === null ? [", ", ": "] : [",", ": "]);
  const write = (v, depth) => {
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "bigint") return v.toString();
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : jsonFloat(v);
    if (v instanceof PyFloat) return jsonFloat(v.value);
    if (typeof v === "string") return jsonString(v, ensureAscii);
    const items = Array.isArray(v)
      ? v.map((x) => write(x, depth + 1))
      : entriesOf(v).map(([k, x]) => jsonString(k, ensureAscii) + keySep + write(x, depth + 1));
    const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
    if (items.length === 0) return open + close;
    if (indent === null) return open + items.join(itemSep) + close;
    const inner = "\n" + " ".repeat(indent * (depth + 1));
    return open + inner + items.join(itemSep + inner) + "\n" + " ".repeat(indent * depth) + close;
  };
  return write(value, 0);
}

// The bytes PyJWT signs: json.dumps(value, separators=(",", ":")), UTF-8.
export const compactJson = (value) => pyJson(value, { separators: [",", ":"] });

// template.format(**values) for the package's message templates: {name} is the value as str()
// writes it, {name!r} its repr. The templates come from Python (MT.messages), never from here.
export const pyFormat = (template, values = {}) =>
  template.replace(/\{(\w+)(!r)?\}/g, (_, name, repr) => (repr ? pyRepr(values[name]) : String(values[name])));

export const MAX_INT_DIGITS = MT.maxIntDigits; // Python refuses to read longer integers (sys.int_info)
const MAX_DEPTH = 900; // Python's json gives up near its recursion limit (about 1000)

export class TooDeep extends Error {}

// json.loads(text): strict JSON plus, with constants, Python's NaN, Infinity and -Infinity.
export function parseJson(text, { constants = false } = {}) {
  let i = 0;
  const fail = (what) => {
    throw new SyntaxError(`${what} at character ${i}`);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const word = (w) => text.startsWith(w, i) && ((i += w.length), true);
  const number = () => {
    const m = /^(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i, i + 10000));
    if (!m) return undefined;
    i += m[0].length;
    if (m[2] || m[3]) return new PyFloat(Number(m[0]));
    if (m[1].replace("-", "").length > MAX_INT_DIGITS) fail("integer with too many digits");
    const n = Number(m[1]);
    return Number.isSafeInteger(n) ? n : BigInt(m[1]);
  };
  const string = () => {
    i++; // opening quote
    let out = "";
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const ch = text[i++];
      if (ch === '"') return out;
      if (ch.charCodeAt(0) < 0x20) fail("invalid control character");
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const esc = text[i++];
      const simple = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
      if (esc in simple) out += simple[esc];
      else if (esc === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i, i + 4))) {
        out += String.fromCharCode(parseInt(text.slice(i, i + 4), 16));
        i += 4;
      } else fail("invalid escape");
    }
  };
  const value = (depth) => {
    if (depth > MAX_DEPTH) throw new TooDeep();
    space();
    const ch = text[i];
    if (ch === '"') return string();
    if (ch === "{") {
      i++;
      const object = new Map();
      space();
      if (word("}")) return object;
      for (;;) {
        space();
        if (text[i] !== '"') fail("expected a property name");
        const key = string();
        space();
        if (!word(":")) fail("expected ':'");
        object.set(key, value(depth + 1));
        space();
        if (word("}")) return object;
        if (!word(",")) fail("expected ',' or '}'");
      }
    }
    if (ch === "[") {
      i++;
      const array = [];
      space();
      if (word("]")) return array;
      for (;;) {
        array.push(value(depth + 1));
        space();
        if (word("]")) return array;
        if (!word(",")) fail("expected ',' or ']'");
      }
    }
    if (word("null")) return null;
    if (word("true")) return true;
    if (word("false")) return false;
    const n = number();
    if (n !== undefined) return n;
    if (constants && word("NaN")) return new PyFloat(NaN);
    if (constants && word("Infinity")) return new PyFloat(Infinity);
    if (constants && word("-Infinity")) return new PyFloat(-Infinity);
    fail("expecting a value");
  };
  const result = value(0);
  space();
  if (i !== text.length) fail("extra data");
  return result;
}
