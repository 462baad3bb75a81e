/** `n` things in words: "1 test sample", "8 test samples" (for things whose plural takes an s). */
export const count = (n: number, thing: string): string => `${n} ${thing}${n === 1 ? '' : 's'}`;
