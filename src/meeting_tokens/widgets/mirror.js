// The Python package's token logic, mirrored in the browser so the widgets work without a kernel.
//
// Each function names the Python it mirrors. The tables (claim names, property kinds, choices,
// limits) are not written here: meeting_tokens.widgets.assets prepends them as `MT`, read from
// the Python package. tests/test_mirror.py runs these functions in Chromium and compares their
// output with Python's, byte for byte. Nothing here makes a request or stores anything.

import {
  isMap,
  isDict,
  entriesOf,
  has,
  get,
  pyLen,
  isInt,
  pyRepr,
  pyRound,
  pyJson,
  compactJson,
  MAX_INT_DIGITS,
  TooDeep,
  parseJson,
} from "./pyvalues.js";

export const CODES = MT.errorCodes; // each TokenError subclass's code, by class name (errors.py)

export class TokenError extends Error {
  constructor(message, code = CODES.TokenError) {
    super(message);
    this.code = code;
  }
}

const malformed = (message) => new TokenError(message, CODES.MalformedTokenError);

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
  if (problems.length) throw new TokenError(problems.join("; "), CODES.InvalidPropertiesError);
  const rest = new Map(entriesOf(properties));
  const roomName = rest.get("room_name");
  const exp = rest.get("exp");
  rest.delete("room_name");
  rest.delete("exp");
  if (exp !== undefined && exp <= now) {
    throw new TokenError(
      `exp ${exp} is not after iat ${now}: the token would be born expired`,
      CODES.InvalidPropertiesError,
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
  if (unsignable.length) throw new TokenError(unsignable.join("; "), CODES.InvalidPropertiesError);
  for (const [name, value] of rest) {
    payload.set(claimName(name), name === "permissions" ? permissionClaims(value) : value);
  }
  const header = new Map(Object.entries(MT.hs256Header));
  const signingInput = `${b64urlEncode(utf8.encode(compactJson(header)))}.${b64urlEncode(utf8.encode(compactJson(payload)))}`;
  const mac = await hmacSha256(keyBytes, utf8.encode(signingInput));
  return `${signingInput}.${b64urlEncode(mac)}`;
}

// ---------------------------------------------------------------------------------------------
// validation.py: the layered checks, with the same names, details and codes.

function checkHeader(header) {
  const alg = header.get("alg");
  if (typeof alg !== "string") throw new TokenError("the header has no alg string", CODES.UnsupportedAlgorithmError);
  if (alg.toLowerCase() === "none") {
    throw new TokenError(`alg ${pyRepr(alg)}: unsigned tokens are never accepted`, CODES.UnsupportedAlgorithmError);
  }
  if (!MT.allowedAlgorithms.includes(alg)) {
    const allowList =
      "(" + MT.allowedAlgorithms.map(pyRepr).join(", ") + (MT.allowedAlgorithms.length === 1 ? ",)" : ")");
    throw new TokenError(`alg ${pyRepr(alg)} is not in the allow-list ${allowList}`, CODES.UnsupportedAlgorithmError);
  }
  if (header.has("crit")) {
    throw new TokenError("crit header: extensions this validator does not know", CODES.UnsupportedAlgorithmError);
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
        CODES.InvalidClaimError,
      );
    }
  }
  const exp = claims.get("exp");
  const nbf = claims.get("nbf");
  const iat = claims.get("iat");
  if (exp === undefined && !allowNoExpiry)
    throw new TokenError("no exp: the token would never expire", CODES.MissingClaimError);
  const seconds = pyRound(now); // messages use integer arithmetic, as Python's do
  const minus = (a, b) => secondsText(BigInt(a) - BigInt(b));
  if (exp !== undefined && exp <= now - leeway) {
    throw new TokenError(`expired: exp ${exp} is ${minus(seconds, exp)} s ago`, CODES.ExpiredTokenError);
  }
  if (!ignoreNbf && nbf !== undefined && nbf > now + leeway) {
    throw new TokenError(`not yet valid: nbf ${nbf} is ${minus(nbf, seconds)} s ahead`, CODES.NotYetValidError);
  }
  if (iat !== undefined && iat > now + leeway) {
    throw new TokenError(
      `issued in the future: iat ${iat} is ${minus(iat, seconds)} s ahead`,
      CODES.NotYetValidError,
    );
  }
  if (exp === undefined) return "no exp (allowed by the caller): never expires";
  return `inside its validity window: exp in ${minus(exp, seconds)} s`;
}

function checkScope(claims, roomName, domainId, allowUnscoped) {
  if (claims.has("r") && typeof claims.get("r") !== "string") {
    throw new TokenError(`r must be a room name string, not ${pyRepr(claims.get("r"))}`, CODES.InvalidClaimError);
  }
  const room = claims.get("r");
  if (!room && !allowUnscoped) {
    // an empty r names no room: it is treated as a missing one
    const problem = claims.has("r") ? "r is empty, like no r" : "no r";
    throw new TokenError(`${problem}: the token would open every room of the domain`, CODES.MissingClaimError);
  }
  if (roomName != null && room && room !== roomName) {
    throw new TokenError(
      `wrong room: token is for ${pyRepr(claims.get("r"))}, not ${pyRepr(roomName)}`,
      CODES.WrongRoomError,
    );
  }
  if (domainId != null && !claims.has("d"))
    throw new TokenError("no d: the token names no Daily domain", CODES.MissingClaimError);
  if (domainId != null && claims.get("d") !== domainId) {
    throw new TokenError(
      `wrong domain: d is ${pyRepr(claims.get("d"))}, not ${pyRepr(domainId)}`,
      CODES.WrongDomainError,
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
    throw new TokenError(`unusable key: ${error.message}`, CODES.InvalidSignatureError);
  }
  const expected = await hmacSha256(keyBytes, parts.signingInput);
  const actual = parts.signature;
  let difference = expected.length ^ actual.length;
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) difference |= expected[i] ^ actual[i];
  if (difference !== 0) {
    throw new TokenError(
      "bad signature: not the HMAC-SHA256 of the token under this key",
      CODES.InvalidSignatureError,
    );
  }
  return MT.checkTexts.signature;
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
      detail: MT.checkTexts.structure,
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
    ["signature", precheck ? MT.checkTexts.prechecks_only : () => checkSignature(parts, key)],
    ["daily", precheck ? MT.checkTexts.prechecks_only : MT.checkTexts.no_client],
  ];
  let failed = parts === null;
  for (const [name, step] of steps) {
    if (failed) checks.push({ name, passed: null, detail: MT.checkTexts.skipped, code: null });
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
  return isValid(report) ? MT.verdicts.valid : MT.verdicts.unchecked;
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

// inspection.py: token.strip(WHITESPACE)
export function stripToken(token) {
  let start = 0;
  let end = token.length;
  while (start < end && MT.whitespace.includes(token[start])) start++;
  while (end > start && MT.whitespace.includes(token[end - 1])) end--;
  return token.slice(start, end);
}

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
