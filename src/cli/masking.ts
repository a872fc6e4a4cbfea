/**
 * The shortest value (or line of a multi-line value) that the CLI masks in
 * free text (`secrets run --redact`) or searches for (`secrets scan --values`).
 * Shorter strings occur by chance in ordinary output, so masking them would
 * shred it and matching them would only report noise.
 */
export const MIN_MASKED_LENGTH = 8;
