// Side-effect and raw imports handled by Vite.
declare module '*.css';
declare module '*?raw' {
  const text: string;
  export default text;
}
