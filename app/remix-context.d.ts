import "@remix-run/node";

declare module "@remix-run/node" {
  interface AppLoadContext {
    nonce: string;
    clientAddress: string;
    /** When the server began receiving the request (application clock, ISO): receipt time of offers. */
    arrivedAt?: string;
  }
}
