"use client";
// A client component importing secrets-loader: the build must fail, naming the package.
import { getSecret } from "secrets-loader";

export default function Leaky() {
  return <p>{typeof getSecret}</p>;
}
