import type { InstitutionFormat } from './types.js'

export const UNITED_KINGDOM: readonly InstitutionFormat[] = [
  { id: 'gb.monzo', name: 'Monzo', country: 'GB', senders: /^MONZO$/, names: /\bMonzo\b/i },
  { id: 'gb.starling', name: 'Starling Bank', country: 'GB', senders: /^STARLING(?: BANK)?$/, names: /\bStarling\b/i },
  { id: 'gb.barclays', name: 'Barclays', country: 'GB', senders: /^BARCLAYS$/, names: /\bBarclays\b/i },
  { id: 'gb.hsbc', name: 'HSBC UK', country: 'GB', senders: /^HSBC(?: UK)?$/, names: /\bHSBC\b/i },
  { id: 'gb.lloyds', name: 'Lloyds Bank', country: 'GB', senders: /^LLOYDS(?: BANK)?$/, names: /\bLloyds\b/i },
  { id: 'gb.natwest', name: 'NatWest', country: 'GB', senders: /^NATWEST$/, names: /\bNatWest\b/i },
  { id: 'gb.santander', name: 'Santander UK', country: 'GB', senders: /^SANTANDER(?: UK)?$/, names: /\bSantander UK\b/i },
  { id: 'gb.halifax', name: 'Halifax', country: 'GB', senders: /^HALIFAX$/, names: /\bHalifax\b/i },
  { id: 'gb.nationwide', name: 'Nationwide', country: 'GB', senders: /^NATIONWIDE$/, names: /\bNationwide\b/i },
]

// Revolut is listed under the EU (Lithuanian licence) but writes in the account's currency.
export const EUROPEAN_UNION: readonly InstitutionFormat[] = [
  { id: 'eu.revolut', name: 'Revolut', country: 'EU', senders: /^REVOLUT$/, names: /\bRevolut\b/i },
  { id: 'eu.n26', name: 'N26', country: 'DE', senders: /^N26$/, names: /\bN26\b/ },
  { id: 'eu.ing', name: 'ING', country: 'NL', senders: /^ING(?: BANK| NL| DE)?$/, names: /\bING\b/ },
  { id: 'eu.bunq', name: 'bunq', country: 'NL', senders: /^BUNQ$/, names: /\bbunq\b/i },
  { id: 'eu.abnamro', name: 'ABN AMRO', country: 'NL', senders: /^ABN ?AMRO$/, names: /\bABN AMRO\b/i },
  { id: 'eu.rabobank', name: 'Rabobank', country: 'NL', senders: /^RABOBANK$/, names: /\bRabobank\b/i },
  { id: 'eu.deutschebank', name: 'Deutsche Bank', country: 'DE', senders: /^DEUTSCHE ?BANK$|^DB$/, names: /\bDeutsche Bank\b/i },
  { id: 'eu.commerzbank', name: 'Commerzbank', country: 'DE', senders: /^COMMERZBANK$/, names: /\bCommerzbank\b/i },
  { id: 'eu.sparkasse', name: 'Sparkasse', country: 'DE', senders: /^SPARKASSE$/, names: /\bSparkasse\b/i },
  { id: 'eu.bnp', name: 'BNP Paribas', country: 'FR', senders: /^BNP(?: ?PARIBAS)?$/, names: /\bBNP\b/i },
  { id: 'eu.socgen', name: 'Société Générale', country: 'FR', senders: /^SOCIETE ?GENERALE$|^SG$/, names: /\bSoci[ée]t[ée] G[ée]n[ée]rale\b/i },
  { id: 'eu.creditagricole', name: 'Crédit Agricole', country: 'FR', senders: /^CREDIT ?AGRICOLE$/, names: /\bCr[ée]dit Agricole\b/i },
  { id: 'eu.santanderes', name: 'Santander España', country: 'ES', senders: /^SANTANDER(?: ES)?$/, names: /\bSantander\b/i },
  { id: 'eu.bbva', name: 'BBVA', country: 'ES', senders: /^BBVA$/, names: /\bBBVA\b/ },
  { id: 'eu.caixabank', name: 'CaixaBank', country: 'ES', senders: /^CAIXABANK$/, names: /\bCaixaBank\b/i },
  { id: 'eu.aib', name: 'AIB', country: 'IE', senders: /^AIB$/, names: /\bAIB\b/ },
]
