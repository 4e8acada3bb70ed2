import { createContext, useContext } from "react";

/** The per-response CSP nonce for inline scripts (set on the server; empty in the browser). */
export const NonceContext = createContext<string>("");
export const useNonce = () => useContext(NonceContext);
