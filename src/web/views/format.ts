/** "19 Oct 2019, 14:05" (UTC): readable, unambiguous, the same on every server. */
export const readableTime = (at: Date): string => {
  const date = at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hour12: false });
  return `${date}, ${time}`;
};

export const formatCount = (n: number): string => n.toLocaleString('en-GB');
