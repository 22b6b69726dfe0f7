/**
 * A minimal Protocol Buffers wire-format reader and writer — just enough for ONNX's `ModelProto`
 * (varints, 32/64-bit fixed fields and length-delimited fields). No code generation, no schema:
 * callers iterate fields by number, as in the encoding spec
 * (https://protobuf.dev/programming-guides/encoding/).
 *
 * Integers are decoded as JavaScript numbers and must stay within ±2^53 (tensor dimensions,
 * lengths and enum values do); larger varints raise an error instead of silently losing bits.
 */

/** Protocol Buffers wire types. */
export const WireType = {
  varint: 0,
  fixed64: 1,
  lengthDelimited: 2,
  fixed32: 5,
} as const;

/** One decoded field header plus its payload location. */
export interface WireField {
  /** Field number from the `.proto` schema. */
  field: number;
  /** Wire type (see {@link WireType}). */
  wireType: number;
  /** Varint value (wire type 0), else 0. */
  varint: number;
  /** Start offset of the payload (fixed or length-delimited) in the reader's buffer. */
  start: number;
  /** End offset (exclusive) of the payload. */
  end: number;
}

/**
 * Sequential reader over a protobuf message's bytes.
 *
 * @example
 * const r = new ProtoReader(bytes);
 * for (let f = r.next(); f; f = r.next()) if (f.field === 1) console.log(r.string(f));
 */
export class ProtoReader {
  readonly bytes: Uint8Array;
  private pos: number;
  private readonly limit: number;
  private readonly view: DataView;
  /** Context (message name) used in error messages. */
  readonly context: string;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length, context = 'message') {
    this.bytes = bytes;
    this.pos = start;
    this.limit = end;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.context = context;
  }

  /** Reads a varint at the cursor as a number (throws above 2^53). */
  private readVarint(): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.limit) throw this.error('truncated varint');
      const b = this.bytes[this.pos++] as number;
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (i === 9 && b > 1) throw this.error('varint longer than 64 bits');
        if (result > Number.MAX_SAFE_INTEGER) return this.bigVarint(start);
        return result;
      }
      scale *= 128;
    }
    throw this.error('varint longer than 10 bytes');
  }

  /** Re-decodes a varint beyond 2^53 exactly: negative int64 (10-byte two's complement) or error. */
  private bigVarint(start: number): number {
    let v = 0n;
    let shift = 0n;
    for (let p = start; p < this.pos; p++) {
      v |= BigInt((this.bytes[p] as number) & 0x7f) << shift;
      shift += 7n;
    }
    const signed = BigInt.asIntN(64, v);
    if (signed < BigInt(Number.MIN_SAFE_INTEGER) || signed > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.pos = start;
      throw this.error('varint exceeds 2^53');
    }
    return Number(signed);
  }

  private error(what: string): Error {
    return new Error(`protobuf ${this.context}: ${what} at byte ${this.pos}`);
  }

  /** Next field, or `undefined` at the end of the message. */
  next(): WireField | undefined {
    if (this.pos >= this.limit) return undefined;
    const key = this.readVarint();
    const field = Math.floor(key / 8);
    const wireType = key & 7;
    switch (wireType) {
      case WireType.varint: {
        const v = this.readVarint();
        return { field, wireType, varint: v, start: this.pos, end: this.pos };
      }
      case WireType.fixed64:
        return this.span(field, wireType, 8);
      case WireType.fixed32:
        return this.span(field, wireType, 4);
      case WireType.lengthDelimited:
        return this.span(field, wireType, this.readVarint());
      default:
        throw this.error(`unsupported wire type ${wireType} (field ${field})`);
    }
  }

  private span(field: number, wireType: number, length: number): WireField {
    const start = this.pos;
    const end = start + length;
    if (end > this.limit) throw this.error(`field ${field} runs past the end (${length} bytes)`);
    this.pos = end;
    return { field, wireType, varint: 0, start, end };
  }

  /** A sub-reader over a length-delimited field (an embedded message). */
  sub(f: WireField, context: string): ProtoReader {
    return new ProtoReader(this.bytes, f.start, f.end, context);
  }

  /** The payload of a length-delimited field as UTF-8. */
  string(f: WireField): string {
    return new TextDecoder().decode(this.bytes.subarray(f.start, f.end));
  }

  /** The payload of a length-delimited field (a view, not a copy). */
  payload(f: WireField): Uint8Array {
    return this.bytes.subarray(f.start, f.end);
  }

  /** A fixed32 field read as a little-endian float. */
  float32(f: WireField): number {
    return this.view.getFloat32(f.start, true);
  }

  /** A fixed64 field read as a little-endian double. */
  float64(f: WireField): number {
    return this.view.getFloat64(f.start, true);
  }

  /**
   * Values of a repeated varint field, whether packed (length-delimited) or one per field
   * occurrence; appends to `out`.
   */
  varints(f: WireField, out: number[]): void {
    if (f.wireType === WireType.varint) {
      out.push(f.varint);
      return;
    }
    const r = new ProtoReader(this.bytes, f.start, f.end, this.context);
    while (r.pos < r.limit) out.push(r.readVarint());
  }
}

/** Growable byte buffer that encodes protobuf fields. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new Error(`protobuf: cannot encode ${value} as varint`);
    // negative values: 64-bit two's complement, 10 bytes
    let v = value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value);
    this.ensure(10);
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.buf[this.len++] = b;
    } while (v > 0n);
  }

  private key(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** Writes a varint field (int32/int64/enum/bool). */
  varint(field: number, value: number): this {
    this.key(field, WireType.varint);
    this.rawVarint(value);
    return this;
  }

  /** Writes a length-delimited field with the given bytes. */
  bytes(field: number, data: Uint8Array): this {
    this.key(field, WireType.lengthDelimited);
    this.rawVarint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** Writes a UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Writes an embedded message field. */
  message(field: number, body: ProtoWriter): this {
    return this.bytes(field, body.finish());
  }

  /** Writes a fixed32 float field. */
  float32(field: number, value: number): this {
    this.key(field, WireType.fixed32);
    this.ensure(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** Writes a packed repeated varint field. */
  packedVarints(field: number, values: readonly number[]): this {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  /** The encoded bytes so far (a copy trimmed to length). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
