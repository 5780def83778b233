declare module 'vitest' {
  export interface ProvidedContext {
    storage: 'postgres' | 'embedded';
  }
}
export {};
