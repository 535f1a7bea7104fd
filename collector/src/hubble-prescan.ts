import type { Protocol } from './flow.js';

/**
 * A pre-scan of one Hubble JSON line that reads, without `JSON.parse`, the few fields that decide
 * whether the record is one more observation of a connection already emitted, which is what about
 * seven of every eight records are (the reply, and the same packets at other observation points).
 *
 * It is a validator of the JSON grammar (ECMA-404, the grammar `JSON.parse` implements) that
 * records where the fields Palisade reads are and checks them against `HubbleFlowSchema` as it
 * goes. It answers only "certainly this, read exactly as `JSON.parse` would" or "in doubt"; the
 * caller then parses the line in full, so in doubt costs time, never a different outcome. In doubt
 * are, among others: any grammar error (the full parse then names it), a bare flow without the
 * `GetFlowsResponse` envelope, a field Palisade reads that appears twice in its object (`JSON.parse`
 * keeps the last), an escape sequence in a key or in a string that is read, a number read that is
 * not a plain non-negative integer, ICMP, L7 and Service fields, Hubble `workloads`, a missing
 * `is_reply`, and nesting deeper than {@link MAX_DEPTH}.
 */

/** Deeper nesting is left to `JSON.parse` (Hubble's own records are a few levels deep). */
const MAX_DEPTH = 32;
/** A backslash or a control character (U+0000–U+001F). */
const ESCAPE_OR_CONTROL = /[\u0000-\u001f\\]/;
/** Field not present. */
export const ABSENT = -1;

/** One endpoint (`flow.source` / `flow.destination`) as far as the skip decision reads it. */
export class ScannedEndpoint {
  present = false;
  /** The endpoint object's JSON text (braces included). */
  start = ABSENT;
  end = ABSENT;
  identity = ABSENT;
  namespaceStart = ABSENT;
  namespaceEnd = ABSENT;
  podNameStart = ABSENT;
  podNameEnd = ABSENT;
  /** The labels array's JSON text (brackets included), a cache key for its cleaned form. */
  labelsStart = ABSENT;
  labelsEnd = ABSENT;
  /** Start and end of each label's characters, in order. */
  readonly labelBounds: number[] = [];
  /** Whether a label is `reserved:health`. */
  health = false;

  reset(): void {
    this.present = false;
    this.start = this.end = ABSENT;
    this.identity = ABSENT;
    this.namespaceStart = this.namespaceEnd = ABSENT;
    this.podNameStart = this.podNameEnd = ABSENT;
    this.labelsStart = this.labelsEnd = ABSENT;
    this.labelBounds.length = 0;
    this.health = false;
  }
}

/** Object kinds whose fields are read; every other object is only checked for grammar. */
const enum Kind {
  Root,
  Flow,
  Ip,
  Layer4,
  Ports,
  TcpPorts,
  Flags,
  Endpoint,
  EventType,
  /** Not read: grammar only. */
  Other,
}

/** Bits of the fields of each kind, to notice a field given twice. */
const enum Field {
  Flow = 1,
  Time = 1 << 1,
  Verdict = 1 << 2,
  Ip = 1 << 3,
  Layer4 = 1 << 4,
  Source = 1 << 5,
  Destination = 1 << 6,
  Type = 1 << 7,
  NodeName = 1 << 8,
  Reply = 1 << 9,
  IsReply = 1 << 10,
  TraceReason = 1 << 11,
  EventType = 1 << 12,
  IpSource = 1,
  IpDestination = 1 << 1,
  Tcp = 1,
  Udp = 1 << 1,
  Sctp = 1 << 2,
  SourcePort = 1,
  DestinationPort = 1 << 1,
  TcpFlags = 1 << 2,
  Syn = 1,
  Ack = 1 << 1,
  Fin = 1 << 2,
  Rst = 1 << 3,
  Id = 1,
  Identity = 1 << 1,
  Namespace = 1 << 2,
  Labels = 1 << 3,
  PodName = 1 << 4,
  EventTypeType = 1,
  SubType = 1 << 1,
}

/** The scanner; one per adapter, reused for every line (its results are overwritten by each scan). */
export class HubbleLineScanner {
  private text = '';
  private pos = 0;

  timeStart = ABSENT;
  timeEnd = ABSENT;
  verdictStart = ABSENT;
  verdictEnd = ABSENT;
  hasIp = false;
  ipSourceStart = ABSENT;
  ipSourceEnd = ABSENT;
  ipDestinationStart = ABSENT;
  ipDestinationEnd = ABSENT;
  protocol: Protocol | undefined;
  /** How many of TCP, UDP, SCTP the `l4` object names. */
  layer4Count = 0;
  sourcePort = ABSENT;
  destinationPort = ABSENT;
  eventType = ABSENT;
  /** `is_reply`: ABSENT, 0 (false), 1 (true); null is in doubt. */
  isReply = ABSENT;
  readonly source = new ScannedEndpoint();
  readonly destination = new ScannedEndpoint();
  /** The endpoint whose fields are being read. */
  private endpoint: ScannedEndpoint = this.source;

  /** Bounds or value of the last string or integer read by a field reader. */
  private valueStart = ABSENT;
  private valueEnd = ABSENT;
  private valueNumber = ABSENT;
  private flowSeen = false;

  /**
   * Scans one line. True when it is certainly a well-formed `GetFlowsResponse` envelope whose
   * `flow` passes `HubbleFlowSchema` and the fields above hold what `JSON.parse` would give;
   * false when in doubt.
   */
  scan(text: string): boolean {
    this.text = text;
    this.pos = 0;
    this.flowSeen = false;
    this.timeStart = this.timeEnd = this.verdictStart = this.verdictEnd = ABSENT;
    this.hasIp = false;
    this.ipSourceStart = this.ipSourceEnd = this.ipDestinationStart = this.ipDestinationEnd = ABSENT;
    this.protocol = undefined;
    this.layer4Count = 0;
    this.sourcePort = this.destinationPort = this.eventType = this.isReply = ABSENT;
    this.source.reset();
    this.destination.reset();
    // No escape sequences and no control characters (tabs and line breaks as whitespace
    // included): then strings need no character-by-character check. Hubble writes none outside
    // L7 payloads; a line with one is in doubt.
    if (ESCAPE_OR_CONTROL.test(text)) return false;
    this.skipSpace();
    if (text.charCodeAt(this.pos) !== 123 /* { */ || !this.object(Kind.Root, 1)) return false;
    this.skipSpace();
    // Only whitespace may follow the value; the envelope must have carried a flow.
    return this.pos === text.length && this.flowSeen;
  }

  /** The text between two recorded bounds. */
  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  /** Whether the recorded string equals `expected`. */
  equals(start: number, end: number, expected: string): boolean {
    return end - start === expected.length && this.text.startsWith(expected, start);
  }

  private skipSpace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else break;
    }
    this.pos = pos;
  }

  /** An object at `pos` (which holds `{`); the fields of a read kind go to {@link field}. */
  private object(kind: Kind, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const text = this.text;
    this.pos++;
    this.skipSpace();
    if (text.charCodeAt(this.pos) === 125 /* } */) {
      this.pos++;
      return kind !== Kind.Ip && kind !== Kind.EventType;
    }
    let seen = 0;
    for (;;) {
      if (text.charCodeAt(this.pos) !== 34 /* " */) return false;
      const keyStart = this.pos + 1;
      const keyEnd = this.string();
      if (keyEnd < 0) return false;
      this.skipSpace();
      if (text.charCodeAt(this.pos) !== 58 /* : */) return false;
      this.pos++;
      this.skipSpace();
      if (kind === Kind.Other) {
        if (!this.value(depth)) return false;
      } else {
        const bit = this.field(kind, keyStart, keyEnd, depth);
        if (bit < 0 || (seen & bit) !== 0) return false;
        seen |= bit;
      }
      this.skipSpace();
      const c = text.charCodeAt(this.pos);
      this.pos++;
      if (c === 125 /* } */) break;
      if (c !== 44 /* , */) return false;
      this.skipSpace();
    }
    // The schema requires IP.source, IP.destination and event_type.type.
    if (kind === Kind.Ip) return (seen & (Field.IpSource | Field.IpDestination)) === (Field.IpSource | Field.IpDestination);
    if (kind === Kind.EventType) return (seen & Field.EventTypeType) !== 0;
    return true;
  }

  /** Whether the key is `name` (a character loop: `startsWith` is a builtin call the JIT does not inline). */
  private keyIs(keyStart: number, keyEnd: number, name: string): boolean {
    const length = name.length;
    if (keyEnd - keyStart !== length) return false;
    const text = this.text;
    for (let index = 0; index < length; index++) if (text.charCodeAt(keyStart + index) !== name.charCodeAt(index)) return false;
    return true;
  }

  /**
   * One field of an object of a read kind, value at `pos`: the field's bit (0 for a field the
   * schema does not declare, whose value is only checked for grammar), or -1 when in doubt.
   */
  private field(kind: Kind, keyStart: number, keyEnd: number, depth: number): number {
    let bit: number;
    switch (kind) {
      case Kind.Root:
        if (!this.keyIs(keyStart, keyEnd, 'flow')) return this.value(depth) ? 0 : -1;
        // Other envelope fields (node_name, time) matter only when the flow lacks its own time,
        // which is in doubt.
        this.flowSeen = true;
        return this.objectField(Kind.Flow, Field.Flow, depth);
      case Kind.Flow:
        if (this.keyIs(keyStart, keyEnd, 'time')) {
          bit = this.stringField(Field.Time);
          this.timeStart = this.valueStart;
          this.timeEnd = this.valueEnd;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'verdict')) {
          bit = this.stringField(Field.Verdict);
          this.verdictStart = this.valueStart;
          this.verdictEnd = this.valueEnd;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'IP')) {
          this.hasIp = true;
          return this.objectField(Kind.Ip, Field.Ip, depth);
        }
        if (this.keyIs(keyStart, keyEnd, 'l4')) return this.objectField(Kind.Layer4, Field.Layer4, depth);
        if (this.keyIs(keyStart, keyEnd, 'source')) return this.endpointField(this.source, Field.Source, depth);
        if (this.keyIs(keyStart, keyEnd, 'destination')) return this.endpointField(this.destination, Field.Destination, depth);
        if (this.keyIs(keyStart, keyEnd, 'Type')) return this.stringField(Field.Type);
        if (this.keyIs(keyStart, keyEnd, 'node_name')) return this.stringField(Field.NodeName);
        if (this.keyIs(keyStart, keyEnd, 'trace_reason')) return this.stringField(Field.TraceReason);
        if (this.keyIs(keyStart, keyEnd, 'reply')) return this.booleanField(Field.Reply);
        if (this.keyIs(keyStart, keyEnd, 'is_reply')) {
          bit = this.booleanField(Field.IsReply);
          this.isReply = this.valueNumber;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'event_type')) return this.objectField(Kind.EventType, Field.EventType, depth);
        // Declared by the schema but not read on the skip path: in doubt.
        if (this.keyIs(keyStart, keyEnd, 'l7') || this.keyIs(keyStart, keyEnd, 'source_service') || this.keyIs(keyStart, keyEnd, 'destination_service'))
          return -1;
        return this.value(depth) ? 0 : -1;
      case Kind.Ip:
        if (this.keyIs(keyStart, keyEnd, 'source')) {
          bit = this.stringField(Field.IpSource);
          this.ipSourceStart = this.valueStart;
          this.ipSourceEnd = this.valueEnd;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'destination')) {
          bit = this.stringField(Field.IpDestination);
          this.ipDestinationStart = this.valueStart;
          this.ipDestinationEnd = this.valueEnd;
          return bit;
        }
        return this.value(depth) ? 0 : -1;
      case Kind.Layer4:
        if (this.keyIs(keyStart, keyEnd, 'TCP')) return this.protocolField('TCP', Kind.TcpPorts, Field.Tcp, depth);
        if (this.keyIs(keyStart, keyEnd, 'UDP')) return this.protocolField('UDP', Kind.Ports, Field.Udp, depth);
        if (this.keyIs(keyStart, keyEnd, 'SCTP')) return this.protocolField('SCTP', Kind.Ports, Field.Sctp, depth);
        if (this.keyIs(keyStart, keyEnd, 'ICMPv4') || this.keyIs(keyStart, keyEnd, 'ICMPv6')) return -1;
        return this.value(depth) ? 0 : -1;
      case Kind.Ports:
      case Kind.TcpPorts:
        if (this.keyIs(keyStart, keyEnd, 'source_port')) {
          bit = this.portField(Field.SourcePort);
          this.sourcePort = this.valueNumber;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'destination_port')) {
          bit = this.portField(Field.DestinationPort);
          this.destinationPort = this.valueNumber;
          return bit;
        }
        if (kind === Kind.TcpPorts && this.keyIs(keyStart, keyEnd, 'flags')) return this.objectField(Kind.Flags, Field.TcpFlags, depth);
        return this.value(depth) ? 0 : -1;
      case Kind.Flags:
        // The flags decide nothing when is_reply is given (the skip path needs it), but the
        // schema declares these four as booleans.
        if (this.keyIs(keyStart, keyEnd, 'SYN')) return this.booleanField(Field.Syn);
        if (this.keyIs(keyStart, keyEnd, 'ACK')) return this.booleanField(Field.Ack);
        if (this.keyIs(keyStart, keyEnd, 'FIN')) return this.booleanField(Field.Fin);
        if (this.keyIs(keyStart, keyEnd, 'RST')) return this.booleanField(Field.Rst);
        return this.value(depth) ? 0 : -1;
      case Kind.Endpoint: {
        const endpoint = this.endpoint;
        if (this.keyIs(keyStart, keyEnd, 'ID')) return this.integerField(Field.Id);
        if (this.keyIs(keyStart, keyEnd, 'identity')) {
          bit = this.integerField(Field.Identity);
          endpoint.identity = this.valueNumber;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'namespace')) {
          bit = this.stringField(Field.Namespace);
          endpoint.namespaceStart = this.valueStart;
          endpoint.namespaceEnd = this.valueEnd;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'pod_name')) {
          bit = this.stringField(Field.PodName);
          endpoint.podNameStart = this.valueStart;
          endpoint.podNameEnd = this.valueEnd;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'labels')) return this.labelsField(endpoint);
        if (this.keyIs(keyStart, keyEnd, 'workloads')) return -1;
        return this.value(depth) ? 0 : -1;
      }
      case Kind.EventType:
        if (this.keyIs(keyStart, keyEnd, 'type')) {
          bit = this.integerField(Field.EventTypeType);
          this.eventType = this.valueNumber;
          return bit;
        }
        if (this.keyIs(keyStart, keyEnd, 'sub_type')) return this.integerField(Field.SubType);
        return this.value(depth) ? 0 : -1;
      case Kind.Other:
        return this.value(depth) ? 0 : -1;
    }
  }

  /** A string; its bounds go to `valueStart`/`valueEnd`. */
  private stringField(bit: number): number {
    if (this.text.charCodeAt(this.pos) !== 34) return -1;
    this.valueStart = this.pos + 1;
    this.valueEnd = this.string();
    if (this.valueEnd < 0) return -1;
    return bit;
  }

  /** `true` or `false`, as 1 or 0 in `valueNumber` (null and other values are in doubt). */
  private booleanField(bit: number): number {
    if (this.text.startsWith('true', this.pos)) {
      this.pos += 4;
      this.valueNumber = 1;
      return bit;
    }
    if (this.text.startsWith('false', this.pos)) {
      this.pos += 5;
      this.valueNumber = 0;
      return bit;
    }
    return -1;
  }

  /**
   * A non-negative integer in plain digits (no sign, fraction or exponent) into `valueNumber`; at
   * most 15 digits, so it is a safe integer. Anything else is in doubt.
   */
  private integerField(bit: number): number {
    const text = this.text;
    const start = this.pos;
    let value = 0;
    let pos = start;
    for (;;) {
      const digit = text.charCodeAt(pos) - 48;
      if (!(digit >= 0 && digit <= 9)) break; // also NaN past the end
      value = value * 10 + digit;
      pos++;
    }
    const length = pos - start;
    // A leading zero is a grammar error; '.', 'e', 'E' would continue the number.
    if (length === 0 || length > 15 || (length > 1 && text.charCodeAt(start) === 48)) return -1;
    const next = text.charCodeAt(pos);
    if (next === 46 || next === 101 || next === 69) return -1;
    this.pos = pos;
    this.valueNumber = value;
    return bit;
  }

  private portField(bit: number): number {
    return this.integerField(bit) < 0 || this.valueNumber > 65535 ? -1 : bit;
  }

  private objectField(kind: Kind, bit: number, depth: number): number {
    if (this.text.charCodeAt(this.pos) !== 123) return -1;
    return this.object(kind, depth + 1) ? bit : -1;
  }

  private protocolField(protocol: Protocol, kind: Kind, bit: number, depth: number): number {
    if (this.objectField(kind, bit, depth) < 0) return -1;
    this.protocol = protocol;
    this.layer4Count++;
    return bit;
  }

  private endpointField(endpoint: ScannedEndpoint, bit: number, depth: number): number {
    this.endpoint = endpoint;
    endpoint.present = true;
    endpoint.start = this.pos;
    const result = this.objectField(Kind.Endpoint, bit, depth);
    endpoint.end = this.pos;
    return result;
  }

  /** An array of strings without escapes. */
  private labelsField(endpoint: ScannedEndpoint): number {
    const text = this.text;
    if (text.charCodeAt(this.pos) !== 91 /* [ */) return -1;
    endpoint.labelsStart = this.pos;
    this.pos++;
    this.skipSpace();
    if (text.charCodeAt(this.pos) === 93 /* ] */) {
      this.pos++;
      endpoint.labelsEnd = this.pos;
      return Field.Labels;
    }
    for (;;) {
      if (text.charCodeAt(this.pos) !== 34) return -1;
      const start = this.pos + 1;
      const end = this.string();
      if (end < 0) return -1;
      endpoint.labelBounds.push(start, end);
      if (end - start === 15 && text.startsWith('reserved:health', start)) endpoint.health = true;
      this.skipSpace();
      const c = text.charCodeAt(this.pos);
      this.pos++;
      if (c === 93) break;
      if (c !== 44) return -1;
      this.skipSpace();
    }
    endpoint.labelsEnd = this.pos;
    return Field.Labels;
  }

  /**
   * A string at `pos` (which holds `"`): moves past it and returns the index of its closing quote,
   * or -1 when it does not end. {@link scan} has made sure the line holds no backslash and no
   * control character, so every string is valid and ends at the next quote; `indexOf` finds it
   * natively, which is what makes the pre-scan cheaper than `JSON.parse`.
   */
  private string(): number {
    const end = this.text.indexOf('"', this.pos + 1);
    if (end < 0) return -1;
    this.pos = end + 1;
    return end;
  }

  /** Any JSON value at `pos`, checked for grammar only. */
  private value(depth: number): boolean {
    const text = this.text;
    const c = text.charCodeAt(this.pos);
    if (c === 34) return this.string() >= 0;
    if (c === 123) return this.object(Kind.Other, depth + 1);
    if (c === 91) return this.array(depth + 1);
    if (c === 45 || (c >= 48 && c <= 57)) return this.number();
    if (c === 116 && text.startsWith('true', this.pos)) return ((this.pos += 4), true);
    if (c === 102 && text.startsWith('false', this.pos)) return ((this.pos += 5), true);
    if (c === 110 && text.startsWith('null', this.pos)) return ((this.pos += 4), true);
    return false;
  }

  private array(depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    const text = this.text;
    this.pos++;
    this.skipSpace();
    if (text.charCodeAt(this.pos) === 93) {
      this.pos++;
      return true;
    }
    for (;;) {
      if (!this.value(depth)) return false;
      this.skipSpace();
      const c = text.charCodeAt(this.pos);
      this.pos++;
      if (c === 93) return true;
      if (c !== 44) return false;
      this.skipSpace();
    }
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
  private number(): boolean {
    const text = this.text;
    let pos = this.pos;
    if (text.charCodeAt(pos) === 45) pos++;
    const first = text.charCodeAt(pos);
    if (first === 48) pos++;
    else if (first >= 49 && first <= 57) while (isDigit(text.charCodeAt(pos))) pos++;
    else return false;
    if (text.charCodeAt(pos) === 46) {
      pos++;
      if (!isDigit(text.charCodeAt(pos))) return false;
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    const e = text.charCodeAt(pos);
    if (e === 101 || e === 69) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 43 || sign === 45) pos++;
      if (!isDigit(text.charCodeAt(pos))) return false;
      while (isDigit(text.charCodeAt(pos))) pos++;
    }
    this.pos = pos;
    return true;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
