/** The playground element: `<futures-playground>`. Importing this module defines it. */
export declare class FuturesPlaygroundElement extends HTMLElement {
  static readonly observedAttributes: string[];
}

declare global {
  interface HTMLElementTagNameMap {
    'futures-playground': FuturesPlaygroundElement;
  }
}
