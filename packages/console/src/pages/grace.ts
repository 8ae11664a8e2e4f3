/** The grace periods offered when rotating: how long the old credential keeps working. */
export const GRACE_PERIODS = [
  { seconds: 0, label: 'None: revoke the old one now' },
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '24 hours' },
  { seconds: 7 * 86_400, label: '7 days' },
] as const;
