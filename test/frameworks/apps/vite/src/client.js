// Client code that imports secrets-loader: `vite build` must fail naming the package,
// and `vite dev` must show the package's message.
import { getSecret } from "secrets-loader";

document.body.textContent = typeof getSecret;
