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
  pyFormat,
  compactJson,
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

// Each Python module's message templates (its MESSAGES table), filled as str.format fills them.
const TEXT = MT.messages;
const malformed = (name, values) => new TokenError(pyFormat(TEXT.jwtParts[name], values), CODES.MalformedTokenError);

// ---------------------------------------------------------------------------------------------
// jwt_parts.py: strict base64url and the three segments.

const OUTSIDE_B64URL = /[^A-Za-z0-9_-]/u;
export const PART_NAMES = ["header", "payload", "signature"]; // jwt_parts.PART_NAMES

export function b64urlEncode(bytes) {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// jwt_parts._check_alphabet(text, part): the first character outside the alphabet, its position
// counted in code points from 1 (as Python counts), and its part.
function checkAlphabet(text, part) {
  const found = OUTSIDE_B64URL.exec(text);
  if (found === null) return;
  const position = pyLen(text.slice(0, found.index)) + 1;
  throw malformed("alphabet", { char: String.fromCodePoint(text.codePointAt(found.index)), position, part });
}

// b64url_decode(text, part)
export function b64urlDecode(text, part = "text") {
  if (typeof text !== "string") throw malformed("text_not_string", { type: typeof text });
  checkAlphabet(text, part);
  return decodeAlphabetChecked(text, part);
}

function decodeAlphabetChecked(text, part) {
  if (text.length % 4 === 1) throw malformed("impossible_length", { part, length: text.length });
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  if (b64urlEncode(bytes) !== text) {
    throw malformed("stray_bits", { char: text.at(-1), part, position: text.length });
  }
  return bytes;
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function jsonObject(segment, name) {
  const raw = decodeAlphabetChecked(segment, name);
  let value;
  try {
    value = parseJson(strictUtf8.decode(raw));
  } catch (error) {
    if (error instanceof TooDeep) throw malformed("too_deep", { segment: name });
    throw malformed("not_json", { segment: name, problem: error.message });
  }
  if (!isMap(value)) throw malformed("not_object", { segment: name });
  return value;
}

// decode_parts(token)
export function decodeParts(token) {
  if (typeof token !== "string") throw malformed("not_string", { type: typeof token });
  if (token.length > MT.maxTokenLength && pyLen(token) > MT.maxTokenLength) {
    throw malformed("too_long", { length: pyLen(token), limit: MT.maxTokenLength });
  }
  const segments = token.split(".");
  if (segments.length !== 3) throw malformed("parts", { count: segments.length });
  segments.forEach((segment, i) => checkAlphabet(segment, PART_NAMES[i])); // a stray character first
  const [headerB64, payloadB64, signatureB64] = segments;
  return {
    header: jsonObject(headerB64, "header"),
    payload: jsonObject(payloadB64, "payload"),
    signature: decodeAlphabetChecked(signatureB64, "signature"),
    signingInput: utf8.encode(`${headerB64}.${payloadB64}`),
    segments,
  };
}

// ---------------------------------------------------------------------------------------------
// HMAC-SHA256 through WebCrypto, and the project's refusals of keys that are not shared secrets.

const leadingSpace = (text) => text.replace(/^[ \t\r\n]*/, "");

// validation.looks_like_der(secret): one DER sequence spanning the key, opening with a
// sequence or an integer (the shape of DER keys and certificates).
function looksLikeDer(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0x30) return false;
  let size = bytes[1];
  let start = 2;
  if (size > 0x80) {
    start = 2 + size - 0x80;
    size = 0;
    for (const byte of bytes.subarray(2, start)) size = size * 256 + byte;
  } else if (size === 0x80) return false;
  return size > 0 && start + size === bytes.length && (bytes[start] === 0x30 || bytes[start] === 0x02);
}

// validation._usable_hmac_key(key): the key's UTF-8 bytes, unless it is plainly not a secret.
// Each refusal's message (validation.KEY_PROBLEMS) follows "unusable key: " in the check's detail.
export function usableHmacKey(key) {
  const unusable = (problem) => new TokenError(TEXT.keyProblems[problem], "invalid-key");
  if (/\p{Cs}/u.test(key)) throw unusable("not_unicode");
  const bytes = utf8.encode(key);
  if (bytes.length === 0) throw unusable("empty");
  if (key.includes("-----BEGIN ")) throw unusable("pem");
  if (MT.sshKeyPrefixes.some((prefix) => key.startsWith(prefix))) throw unusable("ssh");
  if (looksLikeDer(bytes)) throw unusable("der");
  const head = leadingSpace(leadingSpace(key).replace(/^\ufeff/, ""));
  if ((head.startsWith("{") || head.startsWith("[")) && key.includes('"kty"')) throw unusable("jwk");
  return bytes;
}

// validation.MESSAGES.unusable_key: the signature check's detail for a key usableHmacKey refused.
export const unusableKey = (error) => pyFormat(TEXT.validation.unusable_key, { problem: error.message });

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

const C = TEXT.claims;
const CHECKS = {
  room_name: (v) => (typeof v !== "string" ? C.not_string : v ? null : C.empty),
  seconds: (v) => (!isInt(v) ? C.not_seconds : v >= 0 ? null : C.negative),
  boolean: (v) => (typeof v === "boolean" ? null : C.not_boolean),
  string: (v) => (typeof v === "string" ? null : C.not_string),
  object: (v) => (isDict(v) ? null : C.not_object),
  user_id: (v) =>
    typeof v !== "string" ? C.not_string : pyLen(v) <= MT.userIdMax ? null : pyFormat(C.too_long, { limit: MT.userIdMax }),
  recording: oneOf(MT.recordingModes),
  language: oneOf(MT.languages),
};

function oneOf(choices) {
  const problem = pyFormat(C.not_one_of, { choices: choices.join(", ") });
  return (v) => (choices.includes(v) ? null : problem);
}

function boolOrList(name, choices) {
  const problem = pyFormat(C.not_bool_or_list, { permission: name, choices: choices.join(", ") });
  return (v) =>
    typeof v === "boolean" || (Array.isArray(v) && v.every((item) => choices.includes(item))) ? [] : [problem];
}

function ofType(name, accepts, message) {
  const problem = pyFormat(C[message], { permission: name });
  return (v) => (accepts(v) ? [] : [problem]);
}

const unknownKey = (path, choices) => pyFormat(C.not_one_of_keys, { permission: path, choices: choices.join(", ") });
const notBoolean = (path) => pyFormat(C.permission_not_boolean, { permission: path });
const notObject = (path) => pyFormat(C.permission_not_object, { permission: path });

// claims._media(path, value): a canReceive value, true, false or media -> true/false.
function mediaProblems(path, value) {
  if (typeof value === "boolean") return [];
  if (!isDict(value)) return [pyFormat(C.not_bool_or_media, { permission: path, choices: MT.mediaKeys.join(", ") })];
  const problems = [];
  for (const [name, item] of entriesOf(value)) {
    const where = `${path}.${name}`;
    if (!Object.hasOwn(MT.mediaClaims, name)) problems.push(unknownKey(where, MT.mediaKeys));
    else if (!MT.customMedia.includes(name)) {
      if (typeof item !== "boolean") problems.push(notBoolean(where));
    } else if (!isDict(item)) problems.push(notObject(where));
    else {
      for (const [track, allowed] of entriesOf(item)) {
        if (typeof allowed !== "boolean") problems.push(notBoolean(`${where}.${track}`));
      }
    }
  }
  return problems;
}

// claims._can_receive(value): base (media), byUserId and byParticipantId (id -> media).
function canReceiveProblems(value) {
  if (!isDict(value)) return [notObject("canReceive")];
  const problems = [];
  for (const [name, item] of entriesOf(value)) {
    const where = `canReceive.${name}`;
    if (!Object.hasOwn(MT.canReceiveClaims, name)) problems.push(unknownKey(where, MT.canReceiveKeys));
    else if (name === "base") problems.push(...mediaProblems(where, item));
    else if (!isDict(item)) problems.push(notObject(where));
    else for (const [who, media] of entriesOf(item)) problems.push(...mediaProblems(`${where}.${who}`, media));
  }
  return problems;
}

const PERMISSION_CHECKS = {
  hasPresence: ofType("hasPresence", (v) => typeof v === "boolean", "permission_not_boolean"),
  canSend: boolOrList("canSend", MT.canSend),
  canReceive: canReceiveProblems,
  canAdmin: boolOrList("canAdmin", MT.canAdmin),
};

function permissionProblems(value) {
  if (!isDict(value)) return [C.permissions_not_object];
  const entries = entriesOf(value);
  const problems = entries
    .filter(([key]) => !Object.hasOwn(PERMISSION_CHECKS, key))
    .map(([key]) => pyFormat(C.unknown_permission, { permission: key }));
  for (const [key, check] of Object.entries(PERMISSION_CHECKS)) {
    if (has(value, key)) problems.push(...check(get(value, key)));
  }
  return problems;
}

// check_properties(properties)
export function checkProperties(properties) {
  if (!isDict(properties)) return [C.properties_not_object];
  const problems = [];
  for (const [name, value] of entriesOf(properties)) {
    if (name === "permissions") problems.push(...permissionProblems(value));
    else if (name === "domain_id") problems.push(C.domain_id);
    else if (!Object.hasOwn(MT.propertyKinds, name)) problems.push(pyFormat(C.unknown_property, { name }));
    else {
      const problem = CHECKS[MT.propertyKinds[name]](value);
      if (problem !== null) problems.push(pyFormat(C.problem, { name, problem }));
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
    .map((item) => pyFormat(C.unsignable, { item }));
}

// claims._renamed(value, table): an object's keys through the table, anything else as given.
const renamed = (value, table) =>
  isDict(value) ? new Map(entriesOf(value).map(([key, item]) => [shortName(table, key), item])) : value;

// claims._receive(value, to_claim=True): canReceive's keys, and the media keys in each part.
function receiveClaims(value) {
  if (!isDict(value)) return value;
  const claims = new Map();
  for (let [key, item] of entriesOf(value)) {
    if (key === "base") item = renamed(item, MT.mediaClaims);
    else if (MT.receiveGroups.includes(key) && isDict(item)) {
      item = new Map(entriesOf(item).map(([who, part]) => [who, renamed(part, MT.mediaClaims)]));
    }
    claims.set(shortName(MT.canReceiveClaims, key), item);
  }
  return claims;
}

// claims._permission_claims(permissions), the value of the p claim
function permissionClaims(permissions) {
  if (!isDict(permissions)) return permissions;
  const claims = new Map();
  for (let [name, value] of entriesOf(permissions)) {
    if (name === "canSend" && Array.isArray(value)) {
      value = value.map((item) => shortName(MT.canSendClaims, item)).join(",");
    } else if (name === "canAdmin" && Array.isArray(value)) {
      value = value.map((item) => shortName(MT.canAdminClaims, item)).join(",");
    } else if (name === "canReceive") {
      value = receiveClaims(value);
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
    throw new TokenError(pyFormat(TEXT.bornExpired, { exp, iat: now }), CODES.InvalidPropertiesError);
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

const V = TEXT.validation;
const headerError = (name, values) => new TokenError(pyFormat(V[name], values), CODES.UnsupportedAlgorithmError);
const missingSelfSigned = (name) => new TokenError(V[name], CODES.MissingSelfSignedClaimError);

function checkHeader(header) {
  const alg = header.get("alg");
  if (typeof alg !== "string") throw headerError("no_alg");
  if (alg.toLowerCase() === "none") throw headerError("alg_none", { alg });
  if (!MT.allowedAlgorithms.includes(alg)) {
    throw headerError("alg_not_allowed", { alg, allowed: MT.allowedAlgorithms.join(", ") });
  }
  if (header.has("crit")) throw new TokenError(V.crit, CODES.UnsupportedCriticalHeaderError);
  return pyFormat(V.alg_allowed, { alg });
}

// validation._span(count): a difference of seconds, in words too from a day up.
function span(count) {
  const magnitude = count < 0n ? -count : count;
  if (magnitude.toString().length > MT.maxIntDigits) {
    return pyFormat(V[count > 0n ? "more_digits" : "fewer_digits"], { digits: MT.maxIntDigits });
  }
  const [fromSeconds, toSeconds] = MT.spanInWords.map(BigInt);
  if (magnitude < fromSeconds || magnitude > toSeconds) return pyFormat(V.seconds, { count });
  return pyFormat(V.seconds_in_words, { words: durationText(Number(count)), count });
}

function checkTime(claims, now, leeway, ignoreNbf, allowNoExpiry, selfSigned) {
  for (const name of ["exp", "nbf", "iat"]) {
    if (claims.has(name) && !isInt(claims.get(name))) {
      const message = pyFormat(V.not_numeric_date, { claim: name, value: pyRepr(claims.get(name)) });
      throw new TokenError(message, CODES.InvalidClaimError);
    }
  }
  if (selfSigned && !claims.has("iat")) throw missingSelfSigned("self_signed_no_iat");
  const exp = claims.get("exp");
  const nbf = claims.get("nbf");
  const iat = claims.get("iat");
  if (exp === undefined && !allowNoExpiry) throw new TokenError(V.no_exp, CODES.MissingClaimError);
  const seconds = pyRound(now); // messages use integer arithmetic, as Python's do
  const minus = (a, b) => span(BigInt(a) - BigInt(b));
  if (exp !== undefined && exp <= now - leeway) {
    throw new TokenError(pyFormat(V.expired, { exp, span: minus(seconds, exp) }), CODES.ExpiredTokenError);
  }
  if (!ignoreNbf && nbf !== undefined && nbf > now + leeway) {
    throw new TokenError(pyFormat(V.not_yet_valid, { nbf, span: minus(nbf, seconds) }), CODES.NotYetValidError);
  }
  if (iat !== undefined && iat > now + leeway) {
    throw new TokenError(pyFormat(V.issued_in_future, { iat, span: minus(iat, seconds) }), CODES.NotYetValidError);
  }
  if (exp === undefined) return V.no_exp_allowed;
  return pyFormat(V.in_window, { span: minus(exp, seconds) });
}

function checkScope(claims, roomName, domainId, allowUnscoped, selfSigned) {
  if (claims.has("r") && typeof claims.get("r") !== "string") {
    throw new TokenError(pyFormat(V.r_not_string, { value: pyRepr(claims.get("r")) }), CODES.InvalidClaimError);
  }
  const room = claims.get("r");
  if (selfSigned && !room) throw missingSelfSigned("self_signed_no_r");
  const d = claims.get("d");
  if (selfSigned && (d === undefined || d === null || d === "")) throw missingSelfSigned("self_signed_no_d");
  if (!room && !allowUnscoped) {
    // an empty r names no room: it is treated as a missing one
    throw new TokenError(claims.has("r") ? V.empty_r : V.no_r, CODES.MissingClaimError);
  }
  if (roomName != null && room && room !== roomName) {
    throw new TokenError(pyFormat(V.wrong_room, { room, expected: roomName }), CODES.WrongRoomError);
  }
  if (domainId != null && !claims.has("d")) throw new TokenError(V.no_d, CODES.MissingClaimError);
  if (domainId != null && claims.get("d") !== domainId) {
    const message = pyFormat(V.wrong_domain, { value: pyRepr(claims.get("d")), expected: domainId });
    throw new TokenError(message, CODES.WrongDomainError);
  }
  const scope = room ? pyFormat(V.for_room, { room }) : V.for_every_room;
  return domainId == null ? scope : pyFormat(V.of_this_domain, { scope });
}

export async function checkSignature(parts, key) {
  let keyBytes;
  try {
    keyBytes = usableHmacKey(key);
  } catch (error) {
    throw new TokenError(unusableKey(error), CODES.InvalidSignatureError);
  }
  const expected = await hmacSha256(keyBytes, parts.signingInput);
  const actual = parts.signature;
  let difference = expected.length ^ actual.length;
  for (let i = 0; i < Math.min(expected.length, actual.length); i++) difference |= expected[i] ^ actual[i];
  if (difference !== 0) throw new TokenError(V.bad_signature, CODES.InvalidSignatureError);
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
    selfSigned = false,
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
    ["time", () => checkTime(parts.payload, now, leeway, ignoreNbf, allowNoExpiry, selfSigned)],
    ["scope", () => checkScope(parts.payload, roomName, domainId, allowUnscoped, selfSigned)],
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
  if (failure) return pyFormat(MT.verdicts.rejected, { code: failure.code, reason: failure.detail });
  return isValid(report) ? MT.verdicts.valid : MT.verdicts.unchecked;
}

export function reportState(report) {
  if (!nothingFailed(report)) return "rejected";
  return isValid(report) ? "valid" : "unchecked";
}

// ---------------------------------------------------------------------------------------------
// widgets/timetext.py: times in words.

// clock.duration_text(seconds): the largest whole unit, rounded down.
export function durationText(seconds) {
  seconds = Math.abs(seconds);
  const [name, size] = MT.units.find(([, unit]) => seconds >= unit) ?? MT.units.at(-1);
  // Python's float floor division: exact remainder first, then the quotient.
  const quotient = (seconds - (seconds % size)) / size;
  const count = Math.floor(quotient) + (quotient - Math.floor(quotient) > 0.5 ? 1 : 0);
  return `${count} ${name}` + (count === 1 ? "" : "s");
}

export function utcText(value) {
  const iso = new Date(Number(value) * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function relativeTime(claim, value, now) {
  if (!Object.hasOwn(MT.relativeTimes, claim)) return "";
  const [ahead, behind] = MT.relativeTimes[claim];
  const delta = Number(value) - now;
  return pyFormat(delta > 0 ? ahead : behind, { span: durationText(delta) });
}

export function timeNote(claim, value, now) {
  if (!Object.hasOwn(MT.relativeTimes, claim)) return "";
  if (!isInt(value) || typeof value === "boolean") return TEXT.times.not_numeric_date;
  if (value < MT.firstSecond || value > MT.lastSecond) return TEXT.times.out_of_range;
  return pyFormat(TEXT.times.note, { utc: utcText(value), relative: relativeTime(claim, value, now) });
}

// ---------------------------------------------------------------------------------------------
// core/checklist.py (findings) and widgets/inspection.py.

export function findings(properties, key, token) {
  const F = TEXT.findings;
  const found = [];
  if (!has(properties, "exp")) found.push({ code: "no-exp", message: F["no-exp"] });
  if (!has(properties, "room_name")) found.push({ code: "no-room", message: F["no-room"] });
  if (token !== null && pyLen(token) > MT.recommendedMaxLength) {
    const message = pyFormat(F["too-long"], { length: pyLen(token), limit: MT.recommendedMaxLength });
    found.push({ code: "too-long", message });
  }
  const size = utf8.encode(key).length;
  if (size < MT.minKeyBytes) {
    found.push({ code: "short-key", message: pyFormat(F["short-key"], { size, minimum: MT.minKeyBytes }) });
  }
  return found;
}

// jwt_parts.pasted_token(text): white space removed around the token (silently) and inside it
// (saying so); {token, removed}.
export function pastedToken(text) {
  let start = 0;
  let end = text.length;
  while (start < end && MT.whitespace.includes(text[start])) start++;
  while (end > start && MT.whitespace.includes(text[end - 1])) end--;
  const token = text.slice(start, end);
  const count = (pattern) => (token.match(pattern) ?? []).length;
  const counts = [
    ["line_break", count(/\r\n|\r|\n/g)],
    ["tab", count(/\t/g)],
    ["space", count(/ /g)],
  ];
  const removed = counts.filter(([, n]) => n).map(([kind, n]) => `${n} ${MT.pasteNames[kind][n === 1 ? 0 : 1]}`);
  if (!removed.length) return { token, removed: "" };
  const P = TEXT.paste;
  const words =
    removed.length > 1 ? pyFormat(P.and, { first: removed.slice(0, -1).join(", "), last: removed.at(-1) }) : removed[0];
  return { token: token.replace(/[ \t\r\n]/g, ""), removed: pyFormat(P.removed, { removed: words }) };
}

// inspect_token(...) then token_view(...): what the inspector shows.
export async function inspectToken(text, { key = "", roomName = "", now, leeway = 0 } = {}) {
  const { token, removed } = pastedToken(text);
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
    removed,
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
