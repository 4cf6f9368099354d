/**
 * Splits a BGP message into its protocol fields by walking lengths only, for writing golden
 * vectors one field per line. Deliberately independent of the codecs under test.
 */
import type { FrameField } from '@baremetal-lb/arp-wire/testing';

export function splitMessageFields(message: Uint8Array): FrameField[] {
  const fields: FrameField[] = [];
  let at = 0;
  const take = (layer: string, name: string, length: number): number => {
    const end = Math.min(at + Math.max(length, 0), message.length);
    const bytes = message.slice(at, end);
    fields.push({ layer, name, bytes });
    at = end;
    return bytes.reduce((value, byte) => value * 256 + byte, 0);
  };
  take('header', 'marker', 16);
  const length = take('header', 'length', 2);
  const type = take('header', 'type', 1);
  const end = Math.min(length, message.length);
  if (type === 1) {
    take('open', 'version', 1);
    take('open', 'myAs', 2);
    take('open', 'holdTime', 2);
    take('open', 'bgpIdentifier', 4);
    const parametersEnd = at + 1 + take('open', 'optionalParametersLength', 1);
    while (at + 2 <= parametersEnd) {
      const parameterType = take('parameter', 'type', 1);
      const parameterEnd = at + 1 + take('parameter', 'length', 1);
      if (parameterType !== 2) take('parameter', 'value', parameterEnd - at);
      while (parameterType === 2 && at + 2 <= parameterEnd) {
        const code = take('capability', 'code', 1);
        take('capability', `value (code ${code})`, take('capability', 'length', 1));
      }
    }
  } else if (type === 2) {
    const withdrawnEnd = at + 2 + take('update', 'withdrawnRoutesLength', 2);
    while (at < withdrawnEnd && at < end) take('update', 'withdrawnRoute', 1 + ((message[at]! + 7) >>> 3));
    const attributesEnd = at + 2 + take('update', 'totalPathAttributeLength', 2);
    while (at + 3 <= attributesEnd) {
      const flags = take('attribute', 'flags', 1);
      const attributeType = take('attribute', 'type', 1);
      const valueLength = take('attribute', 'length', flags & 0x10 ? 2 : 1);
      take('attribute', `value (type ${attributeType})`, valueLength);
    }
    while (at < end) take('update', 'nlri', 1 + ((message[at]! + 7) >>> 3));
  } else if (type === 3) {
    take('notification', 'code', 1);
    take('notification', 'subcode', 1);
    if (at < end) take('notification', 'data', end - at);
  } else if (type === 5) {
    take('routeRefresh', 'afi', 2);
    take('routeRefresh', 'subtype', 1);
    take('routeRefresh', 'safi', 1);
  }
  if (at < message.length) take('trailing', 'bytes', message.length - at);
  return fields;
}
