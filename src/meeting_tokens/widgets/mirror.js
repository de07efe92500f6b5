// The Python package's token logic, mirrored in the browser so the widgets work without a kernel.
//
// Each function names the Python it mirrors. The tables (claim names, property kinds, choices,
// limits) are not written here: meeting_tokens.widgets.assets prepends them as `MT`, read from
// the Python package. tests/test_mirror.py runs these functions in Chromium and compares their
// output with Python's, byte for byte. Nothing here makes a request or stores anything.

// ---------------------------------------------------------------------------------------------
// Python's values in JavaScript. JSON objects parse to Maps (insertion order, as Python's dicts
// keep it), integers beyond 2**53 to BigInt, and numbers written with a fraction or an exponent
// to PyFloat: Python tells 3600 (int) from 3600.0 (float), and so must the time check.

export class PyFloat {
  constructor(value) {
    this.value = value;
  }
}

const isMap = (v) => v instanceof Map;
const isDict = (v) =>
  isMap(v) || (typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof PyFloat));
const entriesOf = (v) => (isMap(v) ? [...v.entries()] : Object.entries(v));
const has = (dict, key) => (isMap(dict) ? dict.has(key) : Object.hasOwn(dict, key));
const get = (dict, key) => (isMap(dict) ? dict.get(key) : dict[key]);

// len(s) in Python counts code points; a JavaScript string's length counts UTF-16 units.
export const pyLen = (s) => [...s].length;

// isinstance(value, int) and not isinstance(value, bool)
export const isInt = (v) => typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v));

export class TokenError extends Error {
  constructor(message, code = "token-error") {
    super(message);
    this.code = code;
  }
}

const malformed = (message) => new TokenError(message, "malformed");

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

const MAX_INT_DIGITS = 4300; // Python refuses to read longer integers (sys.int_info)
const MAX_DEPTH = 900; // Python's json gives up near its recursion limit (about 1000)

class TooDeep extends Error {}

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

// ---------------------------------------------------------------------------------------------
// jwt_parts.py: strict base64url and the three segments.

const B64URL = /^[A-Za-z0-9_-]*$/;

export function b64urlEncode(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function b64urlDecode(text) {
  if (typeof text !== "string" || !B64URL.test(text)) {
    throw malformed("not base64url: only A-Z a-z 0-9 - _ are allowed, no padding");
  }
  if (text.length % 4 === 1) throw malformed("not base64url: impossible length");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (b64urlEncode(bytes) !== text) {
    throw malformed("not canonical base64url: the final character has stray bits");
  }
  return bytes;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function jsonObject(segment, name) {
  const raw = b64urlDecode(segment);
  let value;
  try {
    value = parseJson(strictUtf8.decode(raw));
  } catch (error) {
    if (error instanceof TooDeep) throw malformed(`the ${name} nests too deeply to be a token`);
    throw malformed(`the ${name} is not JSON: ${error.message}`);
  }
  if (!isMap(value)) throw malformed(`the ${name} must be a JSON object`);
  return value;
}

// decode_parts(token)
export function decodeParts(token) {
  if (typeof token !== "string") throw malformed(`a token is a string, not ${typeof token}`);
  if (token.length > MT.maxTokenLength && pyLen(token) > MT.maxTokenLength) {
    throw malformed(`token is ${pyLen(token)} characters, over ${MT.maxTokenLength}`);
  }
  const segments = token.split(".");
  if (segments.length !== 3) {
    throw malformed(`a JWS has 3 dot-separated parts, this has ${segments.length}`);
  }
  const [headerB64, payloadB64, signatureB64] = segments;
  return {
    header: jsonObject(headerB64, "header"),
    payload: jsonObject(payloadB64, "payload"),
    signature: b64urlDecode(signatureB64),
    signingInput: utf8.encode(`${headerB64}.${payloadB64}`),
    segments,
  };
}

// ---------------------------------------------------------------------------------------------
// HMAC-SHA256 through WebCrypto, and the project's refusals of keys that are not shared secrets.

const leadingSpace = (text) => text.replace(/^[ \t\r\n]*/, "");

// validation._usable_hmac_key(key): the key's UTF-8 bytes, unless it is plainly not a secret.
// Each refusal's message follows "unusable key: " in the signature check's detail.
export function usableHmacKey(key) {
  if (/\p{Cs}/u.test(key)) throw new TokenError("it is not valid Unicode text", "invalid-key");
  const bytes = utf8.encode(key);
  if (bytes.length === 0) throw new TokenError("it is empty", "invalid-key");
  if (key.includes("-----BEGIN ")) {
    throw new TokenError("it looks like a PEM key or certificate, not a shared secret", "invalid-key");
  }
  if (MT.sshKeyPrefixes.some((prefix) => key.startsWith(prefix))) {
    throw new TokenError("it looks like an SSH public key, not a shared secret", "invalid-key");
  }
  const head = leadingSpace(leadingSpace(key).replace(/^\ufeff/, ""));
  if ((head.startsWith("{") || head.startsWith("[")) && key.includes('"kty"')) {
    throw new TokenError("it looks like a JWK; pass its secret, not its JSON", "invalid-key");
  }
  return bytes;
}

export async function hmacSha256(keyBytes, data) {
  if (!globalThis.crypto?.subtle) {
    throw new TokenError(
      "this page is not a secure context (https, localhost or a file), so the browser offers no WebCrypto to compute HMAC-SHA256",
      "no-webcrypto",
    );
  }
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
}

// ---------------------------------------------------------------------------------------------
// claims.py: check_properties and to_claims.

const CHECKS = {
  room_name: (v) => (typeof v !== "string" ? "must be a string" : v ? null : "must not be empty"),
  seconds: (v) =>
    !isInt(v) ? "must be an integer number of seconds" : v >= 0 ? null : "must not be negative",
  boolean: (v) => (typeof v === "boolean" ? null : "must be true or false"),
  string: (v) => (typeof v === "string" ? null : "must be a string"),
  object: (v) => (isDict(v) ? null : "must be an object"),
  user_id: (v) =>
    typeof v !== "string"
      ? "must be a string"
      : pyLen(v) <= MT.userIdMax
        ? null
        : `must be at most ${MT.userIdMax} characters`,
  recording: (v) => (MT.recordingModes.includes(v) ? null : "must be one of " + MT.recordingModes.join(", ")),
  language: (v) => (MT.languages.includes(v) ? null : "must be one of " + MT.languages.join(", ")),
};

function boolOrList(name, choices) {
  return (v) =>
    typeof v === "boolean" || (Array.isArray(v) && v.every((item) => choices.includes(item)))
      ? []
      : [`permissions.${name} must be true, false or a list of ` + choices.join(", ")];
}

const PERMISSION_CHECKS = {
  hasPresence: (v) => (typeof v === "boolean" ? [] : ["permissions.hasPresence must be true or false"]),
  canSend: boolOrList("canSend", MT.canSend),
  canReceive: (v) => (isDict(v) ? [] : ["permissions.canReceive must be an object"]),
  canAdmin: boolOrList("canAdmin", MT.canAdmin),
};

function permissionProblems(value) {
  if (!isDict(value)) return ["permissions must be an object"];
  const entries = entriesOf(value);
  const problems = entries
    .filter(([key]) => !Object.hasOwn(PERMISSION_CHECKS, key))
    .map(([key]) => `permissions.${key} is not a known permission`);
  for (const [key, check] of Object.entries(PERMISSION_CHECKS)) {
    if (has(value, key)) problems.push(...check(get(value, key)));
  }
  return problems;
}

// check_properties(properties)
export function checkProperties(properties) {
  if (!isDict(properties)) return ["properties must be an object"];
  const problems = [];
  for (const [name, value] of entriesOf(properties)) {
    if (name === "permissions") problems.push(...permissionProblems(value));
    else if (name === "domain_id")
      problems.push("domain_id is set by Daily from the API key, not a token property");
    else if (!Object.hasOwn(MT.propertyKinds, name))
      problems.push(`${pyRepr(name)} is not a meeting-token property`);
    else {
      const problem = CHECKS[MT.propertyKinds[name]](value);
      if (problem !== null) problems.push(`${name} ${problem}`);
    }
  }
  return problems;
}

export const claimName = (property) =>
  Object.hasOwn(MT.claimNames, property) ? MT.claimNames[property] : property;
const shortName = (table, name) => (Object.hasOwn(table, name) ? table[name] : name);

// claims.py: unsignable_permissions(properties)
export function unsignablePermissions(properties) {
  const permissions = isDict(properties) && has(properties, "permissions") ? get(properties, "permissions") : null;
  const canSend = isDict(permissions) && has(permissions, "canSend") ? get(permissions, "canSend") : null;
  if (!Array.isArray(canSend)) return [];
  return canSend
    .filter((item) => !Object.hasOwn(MT.canSendClaims, item))
    .map(
      (item) =>
        `permissions.canSend ${pyRepr(item)} has no short form in Daily's self-signing guide; ` +
        "mint the token through the REST API instead",
    );
}

// claims.py: _permission_claims(permissions), the value of the p claim
function permissionClaims(permissions) {
  if (!isDict(permissions)) return permissions;
  const claims = new Map();
  for (let [name, value] of entriesOf(permissions)) {
    if (name === "canSend" && Array.isArray(value)) {
      value = value.map((item) => shortName(MT.canSendClaims, item)).join(",");
    } else if (name === "canReceive" && isDict(value)) {
      value = new Map(entriesOf(value).map(([key, item]) => [shortName(MT.canReceiveClaims, key), item]));
    }
    claims.set(shortName(MT.permissionClaims, name), value);
  }
  return claims;
}
export const propertyName = (claim) =>
  Object.hasOwn(MT.propertyNames, claim) ? MT.propertyNames[claim] : claim;

// ---------------------------------------------------------------------------------------------
// widgets/editing.py: sign_properties, through signing.self_sign and jwt_parts.sign_hs256.

export async function signProperties(properties, key, { domainId, now }) {
  const problems = checkProperties(properties);
  if (problems.length) throw new TokenError(problems.join("; "), "invalid-properties");
  const rest = new Map(entriesOf(properties));
  const roomName = rest.get("room_name");
  const exp = rest.get("exp");
  rest.delete("room_name");
  rest.delete("exp");
  if (exp !== undefined && exp <= now) {
    throw new TokenError(
      `exp ${exp} is not after iat ${now}: the token would be born expired`,
      "invalid-properties",
    );
  }
  if (typeof key !== "string" || !key) throw new TokenError("api_key must be a non-empty string");
  if (typeof domainId !== "string" || !domainId) {
    throw new TokenError("domain_id must be a non-empty string (GET /v1/ returns it)");
  }
  const keyBytes = utf8.encode(key);
  const payload = new Map();
  if (roomName !== undefined) payload.set("r", roomName);
  payload.set("d", domainId);
  payload.set("iat", now);
  if (exp !== undefined) payload.set("exp", exp);
  const unsignable = unsignablePermissions(properties);
  if (unsignable.length) throw new TokenError(unsignable.join("; "), "invalid-properties");
  for (const [name, value] of rest) {
    payload.set(claimName(name), name === "permissions" ? permissionClaims(value) : value);
  }
  const header = new Map([
    ["alg", "HS256"],
    ["typ", "JWT"],
  ]);
  const signingInput = `${b64urlEncode(utf8.encode(compactJson(header)))}.${b64urlEncode(utf8.encode(compactJson(payload)))}`;
  const mac = await hmacSha256(keyBytes, utf8.encode(signingInput));
  return `${signingInput}.${b64urlEncode(mac)}`;
}

// ---------------------------------------------------------------------------------------------
// validation.py: the layered checks, with the same names, details and codes.

function checkHeader(header) {
  const alg = header.get("alg");
  if (typeof alg !== "string") throw new TokenError("the header has no alg string", "unsupported-algorithm");
  if (alg.toLowerCase() === "none") {
    throw new TokenError(`alg ${pyRepr(alg)}: unsigned tokens are never accepted`, "unsupported-algorithm");
  }
  if (!MT.allowedAlgorithms.includes(alg)) {
    const allowList =
      "(" + MT.allowedAlgorithms.map(pyRepr).join(", ") + (MT.allowedAlgorithms.length === 1 ? ",)" : ")");
    throw new TokenError(`alg ${pyRepr(alg)} is not in the allow-list ${allowList}`, "unsupported-algorithm");
  }
  if (header.has("crit")) {
    throw new TokenError("crit header: extensions this validator does not know", "unsupported-algorithm");
  }
  return `alg ${alg} is allowed`;
}

// validation._seconds(count): Python prints no integer of more than 4300 digits.
function secondsText(count) {
  const digits = (count < 0n ? -count : count).toString();
  if (digits.length <= MAX_INT_DIGITS) return count.toString();
  return count > 0n ? "more than 10**4300" : "less than -10**4300";
}

function checkTime(claims, now, leeway, ignoreNbf, allowNoExpiry) {
  for (const name of ["exp", "nbf", "iat"]) {
    if (claims.has(name) && !isInt(claims.get(name))) {
      throw new TokenError(
        `${name} must be an integer NumericDate, not ${pyRepr(claims.get(name))}`,
        "invalid-claim",
      );
    }
  }
  const exp = claims.get("exp");
  const nbf = claims.get("nbf");
  const iat = claims.get("iat");
  if (exp === undefined && !allowNoExpiry)
    throw new TokenError("no exp: the token would never expire", "missing-claim");
  const seconds = pyRound(now); // messages use integer arithmetic, as Python's do
  const minus = (a, b) => secondsText(BigInt(a) - BigInt(b));
  if (exp !== undefined && exp <= now - leeway) {
    throw new TokenError(`expired: exp ${exp} is ${minus(seconds, exp)} s ago`, "expired");
  }
  if (!ignoreNbf && nbf !== undefined && nbf > now + leeway) {
    throw new TokenError(`not yet valid: nbf ${nbf} is ${minus(nbf, seconds)} s ahead`, "not-yet-valid");
  }
  if (iat !== undefined && iat > now + leeway) {
    throw new TokenError(
      `issued in the future: iat ${iat} is ${minus(iat, seconds)} s ahead`,
      "not-yet-valid",
    );
  }
  if (exp === undefined) return "no exp (allowed by the caller): never expires";
  return `inside its validity window: exp in ${minus(exp, seconds)} s`;
}

function checkScope(claims, roomName, domainId, allowUnscoped) {
  if (claims.has("r") && typeof claims.get("r") !== "string") {
    throw new TokenError(`r must be a room name string, not ${pyRepr(claims.get("r"))}`, "invalid-claim");
  }
  const room = claims.get("r");
  if (!room && !allowUnscoped) {
    // an empty r names no room: it is treated as a missing one
    const problem = claims.has("r") ? "r is empty, like no r" : "no r";
    throw new TokenError(`${problem}: the token would open every room of the domain`, "missing-claim");
  }
  if (roomName != null && room && room !== roomName) {
    throw new TokenError(
      `wrong room: token is for ${pyRepr(claims.get("r"))}, not ${pyRepr(roomName)}`,
      "wrong-room",
    );
  }
  if (domainId != null && !claims.has("d"))
    throw new TokenError("no d: the token names no Daily domain", "missing-claim");
  if (domainId != null && claims.get("d") !== domainId) {
    throw new TokenError(
      `wrong domain: d is ${pyRepr(claims.get("d"))}, not ${pyRepr(domainId)}`,
      "wrong-domain",
    );
  }
  const scope = room ? `room ${pyRepr(room)}` : "every room (allowed by the caller)";
  return `for ${scope}` + (domainId != null ? " of this domain" : "");
}

async function checkSignature(parts, key) {
  let keyBytes;
  try {
    keyBytes = usableHmacKey(key);
  } catch (error) {
    throw new TokenError(`unusable key: ${error.message}`, "invalid-signature");
  }
  const expected = await hmacSha256(keyBytes, parts.signingInput);
  const actual = parts.signature;
  let difference = expected.length ^ actual.length;
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) difference |= expected[i] ^ actual[i];
  if (difference !== 0) {
    throw new TokenError(
      "bad signature: not the HMAC-SHA256 of the token under this key",
      "invalid-signature",
    );
  }
  return "HMAC-SHA256 matches under the API key";
}

// precheck_claims(token, ...) when `key` is null or undefined, else validate_token(token,
// api_key=key, ...) without a Daily client. Returns {checks: [{name, passed, detail, code}], claims}.
export async function checkToken(
  token,
  {
    key = null,
    roomName = null,
    domainId = null,
    now,
    leeway = 0,
    ignoreNbf = false,
    allowUnscoped = false,
    allowNoExpiry = false,
  } = {},
) {
  const checks = [];
  let parts = null;
  try {
    parts = decodeParts(token);
    checks.push({
      name: "structure",
      passed: true,
      detail: "three base64url parts, JSON header and payload",
      code: null,
    });
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    checks.push({ name: "structure", passed: false, detail: error.message, code: error.code });
  }
  const precheck = key === null || key === undefined;
  const steps = [
    ["header", () => checkHeader(parts.header)],
    ["time", () => checkTime(parts.payload, now, leeway, ignoreNbf, allowNoExpiry)],
    ["scope", () => checkScope(parts.payload, roomName, domainId, allowUnscoped)],
    ["signature", precheck ? "not checked: pre-checks only" : () => checkSignature(parts, key)],
    ["daily", precheck ? "not checked: pre-checks only" : "not asked: no client given"],
  ];
  let failed = parts === null;
  for (const [name, step] of steps) {
    if (failed) checks.push({ name, passed: null, detail: "skipped: an earlier check failed", code: null });
    else if (typeof step === "string") checks.push({ name, passed: null, detail: step, code: null });
    else {
      try {
        checks.push({ name, passed: true, detail: await step(), code: null });
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        checks.push({ name, passed: false, detail: error.message, code: error.code });
        failed = true;
      }
    }
  }
  return { checks, claims: parts === null ? null : parts.payload };
}

// ValidationReport's properties (failure, verified, nothing_failed, valid) and display.verdict.
export const failureOf = (report) => report.checks.find((c) => c.passed === false) ?? null;
export const isVerified = (report) =>
  report.checks.some((c) => (c.name === "signature" || c.name === "daily") && c.passed);
export const nothingFailed = (report) => failureOf(report) === null;
export const isValid = (report) => isVerified(report) && nothingFailed(report);

export function verdict(report) {
  const failure = failureOf(report);
  if (failure) return `rejected (${failure.code}): ${failure.detail}`;
  return isValid(report) ? "valid: every check passed" : "pre-checks passed; signature not checked";
}

export function reportState(report) {
  if (!nothingFailed(report)) return "rejected";
  return isValid(report) ? "valid" : "unchecked";
}

// ---------------------------------------------------------------------------------------------
// widgets/timetext.py: times in words.

const UNITS = [
  ["year", 365 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

export function durationText(seconds) {
  seconds = Math.abs(seconds);
  for (const [name, size] of UNITS) {
    if (seconds >= size) {
      // Python's float floor division: exact remainder first, then the quotient.
      const quotient = (seconds - (seconds % size)) / size;
      const count = Math.floor(quotient) + (quotient - Math.floor(quotient) > 0.5 ? 1 : 0);
      return `${count} ${name}` + (count === 1 ? "" : "s");
    }
  }
  return "0 seconds";
}

export function utcText(value) {
  const iso = new Date(Number(value) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function relativeTime(claim, value, now) {
  const delta = Number(value) - now;
  const span = durationText(delta);
  if (claim === "exp") return delta > 0 ? `expires in ${span}` : `expired ${span} ago`;
  if (claim === "nbf") return delta > 0 ? `usable in ${span}` : `usable since ${span} ago`;
  if (claim === "iat") return delta > 0 ? `issued ${span} in the future` : `issued ${span} ago`;
  return "";
}

export function timeNote(claim, value, now) {
  if (!["exp", "nbf", "iat"].includes(claim)) return "";
  if (!isInt(value) || typeof value === "boolean") return "not an integer NumericDate";
  if (value < MT.firstSecond || value > MT.lastSecond) return "outside years 1 to 9999";
  return `${utcText(value)} · ${relativeTime(claim, value, now)}`;
}

// ---------------------------------------------------------------------------------------------
// widgets/findings.py and widgets/inspection.py.

export function findings(properties, key, token) {
  const found = [];
  if (!has(properties, "exp")) found.push({ code: "no-exp", message: "No exp: this token never expires." });
  if (!has(properties, "room_name")) {
    found.push({ code: "no-room", message: "No room_name: this token opens every room of the domain." });
  }
  if (token !== null && pyLen(token) > MT.recommendedMaxLength) {
    found.push({
      code: "too-long",
      message: `The token is ${pyLen(token)} characters, over the ${MT.recommendedMaxLength} Daily recommends.`,
    });
  }
  const keyBytes = utf8.encode(key).length;
  if (keyBytes < MT.minKeyBytes) {
    found.push({
      code: "short-key",
      message: `The key is ${keyBytes} bytes; an HS256 key should have at least ${MT.minKeyBytes} (RFC 7518, section 3.2).`,
    });
  }
  return found;
}

export const stripToken = (token) => token.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");

// inspect_token(...) then token_view(...): what the inspector shows.
export async function inspectToken(token, { key = "", roomName = "", now, leeway = 0 } = {}) {
  token = stripToken(token);
  const report = await checkToken(token, { key: key || null, roomName: roomName || null, now, leeway });
  let parts = null;
  try {
    parts = decodeParts(token);
  } catch {
    parts = null;
  }
  const pretty = (v) => pyJson(v, { indent: 2, ensureAscii: false });
  return {
    length: pyLen(token),
    segments: parts && parts.segments,
    header: parts && pretty(parts.header),
    payload: parts && pretty(parts.payload),
    signature_bytes: parts && parts.signature.length,
    claims:
      report.claims === null
        ? []
        : [...report.claims].map(([claim, value]) => [
            claim,
            propertyName(claim),
            pyJson(value, { ensureAscii: false }),
            timeNote(claim, value, now),
          ]),
    checks: report.checks.map((c) => [c.name, c.passed, c.detail, c.code]),
    verdict: verdict(report),
    state: reportState(report),
  };
}
