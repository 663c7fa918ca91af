import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { language } from './i18n/index.svelte';

document.documentElement.lang = language();
const target = document.getElementById('app');
if (target === null) throw new Error('the page has no #app element');
mount(App, { target });
