// The older majors installed under aliases (express4 = express@4, koa2 = koa@2) have no
// types of their own under those names; their API is the one the adapters use of the newer major.
declare module 'express4' {
  import express from 'express';
  export default express;
}
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
