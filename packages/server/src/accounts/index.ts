/** The account domain: sign-up, sign-in, sign-out, the account and its password. */
import type { AppContext } from '../context.js';
import { changePasswordRoute } from './routes/change-password.js';
import { getAccountRoute } from './routes/get-account.js';
import { signinRoute } from './routes/signin.js';
import { signoutRoute } from './routes/signout.js';
import { signupRoute } from './routes/signup.js';

export const accountRoutes = (ctx: AppContext) => [
  signupRoute(ctx),
  signinRoute(ctx),
  signoutRoute(ctx),
  getAccountRoute(ctx),
  changePasswordRoute(ctx),
];
