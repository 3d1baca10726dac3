import QRCode from 'qrcode';

/**
 * A QR code as SVG, for posters and stalls: vector, so it prints sharp at any size.
 * Level M survives a crease or a smudge; the 4-module quiet zone is what scanners expect.
 */
export const qrCodeSvg = (url: string): Promise<string> =>
  QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 4, width: 512, color: { dark: '#000000', light: '#ffffff' } });
