// Exchange rates, refreshed by a scheduled job at runtime.
let eurToUsd = 1.08;

export function updateRates(rate: number): void {
  eurToUsd = rate;
}

export function toUsd(cents: number): number {
  return Math.round(cents * eurToUsd);
}
