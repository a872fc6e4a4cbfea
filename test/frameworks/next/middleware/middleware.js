// A legacy middleware runs on the edge runtime: secrets-loader refuses it.
import { NextResponse } from "next/server";
import { getSecret } from "secrets-loader";

export function middleware() {
  return NextResponse.next({ headers: { "x-secrets-loader": typeof getSecret } });
}

export const config = { matcher: "/fw-middleware" };
