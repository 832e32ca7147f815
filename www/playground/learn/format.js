// Shared by the Learn sections: how addresses and words are written.
export const hex = (n) => `0x${Number(n).toString(16).padStart(8, '0')}`;
export const check = (ok) => (ok ? '✓' : '✗');
