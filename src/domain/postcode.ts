/**
 * The outward part of a UK postcode ("CB2 1TN" → "CB2"): a district of some ten thousand homes,
 * coarse enough to keep after the rest of a signer's data is gone. Anything that is not a UK
 * postcode gives null.
 */
export function postcodeDistrict(postcode: string): string | null {
  const compact = postcode.toUpperCase().replace(/\s+/g, '');
  const match = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/.exec(compact);
  return match ? match[1]! : null;
}
