/** Request and response schemas of the account and sign-in routes. */
import { z } from 'zod';
import { isoTimeSchema, safeString } from '../http/values.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordWeakness } from './password.js';

const emailSchema = safeString().trim().max(254, 'must be at most 254 characters').pipe(z.email('must be an email address'));
// Passwords never reach SQL (only their argon2id hash does), so they accept any character.
const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
/** Sign-in takes any string up to the maximum, so the policy of the day cannot lock anyone out. */
const presentedPasswordSchema = z.string().min(1).max(PASSWORD_MAX_LENGTH);

export const signupBodySchema = z
  .object({
    email: emailSchema,
    password: newPasswordSchema,
    name: safeString()
      .trim()
      .min(1, 'must not be empty')
      .max(100, 'must be at most 100 characters')
      .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters'),
  })
  .superRefine((body, ctx) => {
    const weakness = passwordWeakness(body.password, body.email);
    if (weakness) ctx.addIssue({ code: 'custom', path: ['password'], message: weakness });
  });

export const signinBodySchema = z.object({ email: safeString().max(254, 'must be at most 254 characters'), password: presentedPasswordSchema });

export const changePasswordBodySchema = z.object({ current_password: presentedPasswordSchema, new_password: newPasswordSchema });

export const accountSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  plan: z.string(),
  created_at: isoTimeSchema,
});

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
