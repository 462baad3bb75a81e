/** `n` things in words: "1 test sample", "8 test samples" (for things whose plural takes an s); `shown`: how `n` is written (default as is). */
export const count = (n: number, thing: string, shown = String(n)): string => `${shown} ${thing}${n === 1 ? '' : 's'}`;
