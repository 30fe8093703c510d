import type { Category } from './categories.js'

/**
 * Built-in merchant keywords per category, matched against normalised merchant names (lower case,
 * no accents, punctuation as spaces; see normaliseMerchant). When several keywords match, the longest
 * wins, so "uber eats" (food) beats "uber" (transport) and "amazon fresh" (groceries) beats "amazon".
 *
 * A keyword matches as whole words; keywords of 4+ letters also match the start of a word (VPAs such
 * as "starbucksind10@icici" normalise to "starbucksind"), and keywords of 7+ letters anywhere inside
 * a word ("swiggyinstamart"). Keep short keywords specific: "bp" or "ee" only ever match whole words.
 */
export const MERCHANT_KEYWORDS: Readonly<Record<Exclude<Category, 'other'>, readonly string[]>> = {
  food: [
    // delivery apps
    'swiggy', 'zomato', 'uber eats', 'ubereats', 'doordash', 'grubhub', 'postmates', 'seamless', 'deliveroo', 'just eat', 'justeat',
    'foodpanda', 'grabfood', 'grab food', 'gofood', 'talabat', 'hungerstation', 'jahez', 'careem food', 'glovo', 'ifood', 'rappi',
    'thuisbezorgd', 'lieferando', 'menulog', 'wolt', 'eatsure', 'faasos', 'box8',
    // chains
    'starbucks', 'costa coffee', 'pret a manger', 'pret', 'greggs', 'tim hortons', 'dunkin', 'mcdonald', 'mcdonalds', 'mcd',
    'burger king', 'kfc', 'subway', 'domino', 'dominos', 'pizza hut', 'papa john', 'papa johns', 'chipotle', 'taco bell', 'wendys',
    'five guys', 'shake shack', 'nando', 'nandos', 'chick fil a', 'panera', 'haldiram', 'haldirams', 'barbeque nation', 'chaayos',
    'cafe coffee day', 'third wave coffee', 'blue tokai', 'behrouz', 'jollibee', 'chowking', 'toast box', 'ya kun', 'java house',
    'chicken republic', 'steers', 'wimpy', 'itsu', 'wagamama', 'pizza express', 'krispy kreme', 'baskin robbins',
    // generic words
    'cafe', 'caffe', 'coffee', 'restaurant', 'restaurante', 'ristorante', 'bistro', 'bakery', 'bakehouse', 'padaria', 'boulangerie',
    'baeckerei', 'pizzeria', 'pizza', 'diner', 'eatery', 'canteen', 'food court', 'dhaba', 'burger', 'biryani', 'sushi', 'grill',
    'tea house', 'juice', 'dessert', 'ice cream', 'takeaway',
  ],
  groceries: [
    'bigbasket', 'big basket', 'blinkit', 'grofers', 'zepto', 'instamart', 'swiggy instamart', 'jiomart', 'dmart', 'd mart',
    'avenue supermarts', 'reliance fresh', 'reliance smart', 'more supermarket', 'more retail', 'spencers', 'natures basket',
    'star bazaar', 'amazon fresh', 'flipkart minutes', 'dunzo', 'walmart', 'wal mart', 'costco', 'kroger', 'safeway', 'albertsons',
    'publix', 'whole foods', 'wholefds', 'trader joe', 'trader joes', 'wegmans', 'food lion', 'giant eagle', 'stop and shop',
    'meijer', 'sprouts', 'instacart', 'heb', 'aldi', 'lidl', 'tesco', 'sainsbury', 'sainsburys', 'asda', 'morrisons', 'waitrose',
    'ocado', 'co op food', 'carrefour', 'auchan', 'leclerc', 'intermarche', 'monoprix', 'franprix', 'picard', 'edeka', 'rewe',
    'kaufland', 'netto', 'albert heijn', 'jumbo', 'mercadona', 'dia', 'esselunga', 'conad', 'migros', 'woolworths', 'coles',
    'countdown', 'pak n save', 'loblaws', 'sobeys', 'no frills', 'real canadian superstore', 'shoprite', 'pick n pay', 'checkers',
    'spar', 'food lover', 'naivas', 'quickmart', 'chandarana', 'lulu hypermarket', 'lulu', 'panda', 'othaim', 'danube', 'tamimi',
    'spinneys', 'union coop', 'ntuc', 'fairprice', 'sheng siong', 'cold storage', 'aeon', 'mydin', 'speedmart', 'lotuss', 'big bazaar',
    'indomaret', 'alfamart', 'hypermart', 'sm supermarket', 'puregold', 'savemore', 'pao de acucar', 'assai', 'atacadao',
    'supermarket', 'supermercado', 'supermarche', 'hypermarket', 'hypermarche', 'grocery', 'groceries', 'grocer', 'kirana',
    'provision store', 'greengrocer', 'butcher', 'fresh market',
  ],
  transport: [
    'uber', 'uber trip', 'ola', 'olacabs', 'ola cabs', 'lyft', 'rapido', 'bolt', 'grab', 'gojek', 'gocar', 'goride', 'careem',
    'didi', 'cabify', 'blablacar', 'yulu', 'lime', 'taxi', 'cab', 'cabs', 'metro', 'metro rail', 'dmrc', 'bmrc', 'bmrcl', 'mmrc',
    'tfl', 'tfl travel', 'oyster', 'mta', 'bart', 'clipper', 'opal', 'myki', 'octopus card', 'ez link', 'translink', 'presto',
    'ns reizigers', 'bus', 'parking', 'toll', 'fastag', 'petrol', 'fuel', 'gas station', 'diesel', 'shell', 'bp', 'esso', 'exxon',
    'exxonmobil', 'mobil', 'chevron', 'texaco', 'valero', 'sunoco', 'speedway', 'circle k', 'petro canada', 'petrocanada',
    'totalenergies', 'total energies', 'engen', 'sasol', 'caltex', 'enoc', 'adnoc', 'aldrees', 'petronas', 'petron', 'pertamina',
    'posto', 'ipiranga', 'indian oil', 'iocl', 'hpcl', 'bharat petroleum', 'bpcl', 'nayara', 'jio bp', 'zoomcar', 'ev charging',
    'chargepoint', 'supercharger',
  ],
  shopping: [
    'amazon', 'amzn', 'reliance', 'waterstones', 'clinique', 'bol', 'flipkart', 'myntra', 'ajio', 'nykaa', 'meesho', 'snapdeal', 'tata cliq', 'croma',
    'reliance digital', 'reliance retail', 'reliance trends', 'vijay sales', 'decathlon', 'ikea', 'zara', 'h&m', 'uniqlo', 'primark',
    'shein', 'temu', 'aliexpress', 'ebay', 'etsy', 'target', 'kmart', 'best buy', 'bestbuy', 'home depot', 'lowes',
    'canadian tire', 'macys', 'nordstrom', 'tj maxx', 'marshalls', 'argos', 'john lewis', 'currys', 'marks and spencer', 'marks & spencer', 'fnac',
    'mediamarkt', 'media markt', 'saturn', 'zalando', 'bol com', 'coolblue', 'hema', 'el corte ingles', 'jumia', 'takealot',
    'noon', 'namshi', 'jarir', 'extra', 'shopee', 'lazada', 'tokopedia', 'bukalapak', 'mercado livre', 'mercadolibre',
    'magalu', 'americanas', 'casas bahia', 'jb hi fi', 'bunnings', 'harvey norman', 'apple', 'apple store',
    'samsung', 'mall', 'dubai mall', 'store', 'shop', 'boutique', 'electronics', 'mr diy', 'daiso', 'miniso', 'lifestyle',
    'pantaloons', 'westside', 'shoppers stop', 'dm drogerie', 'rossmann', 'kruidvat', 'bookstore', 'fashion', 'footwear',
  ],
  bills: [
    'electricity', 'electric', 'power', 'energy', 'water', 'gas bill', 'piped gas', 'mahanagar gas', 'indraprastha gas',
    'british gas', 'lpg', 'indane', 'bescom', 'msedcl', 'mahavitaran', 'tata power', 'adani electricity', 'torrent power', 'bses',
    'tneb', 'tangedco', 'kseb', 'cesc', 'kplc', 'eskom', 'meralco', 'tenaga', 'dewa', 'pg&e', 'con edison', 'duke energy', 'edf',
    'octopus energy', 'telecom', 'airtel', 'jio', 'jioprepaid', 'jio prepaid', 'jiofiber', 'vodafone', 'vodafone idea', 'bsnl',
    'mtnl', 'act fibernet', 'hathway', 'tata play', 'tata sky', 'dish tv', 'verizon', 'at&t', 'att', 't mobile', 'tmobile',
    'comcast', 'xfinity', 'spectrum', 'virgin media', 'bt', 'ee', 'telstra', 'optus', 'rogers', 'bell canada', 'telus', 'mtn',
    'airtime', 'safaricom', 'globe telecom', 'pldt', 'maxis', 'celcom', 'singtel', 'starhub', 'telkomsel', 'indosat', 'stc',
    'mobily', 'zain', 'etisalat', 'broadband', 'internet', 'fiber', 'fibre', 'wifi', 'recharge', 'prepaid', 'postpaid',
    'mobile bill', 'insurance', 'assurance', 'lic', 'hdfc life', 'icici prudential', 'icici lombard', 'sbi life', 'star health',
    'policybazaar', 'geico', 'state farm', 'progressive', 'allstate', 'aviva', 'axa', 'allianz', 'metlife', 'rent', 'mortgage',
    'emi', 'loan', 'municipal', 'property tax', 'council tax', 'utility', 'utilities', 'bill payment', 'billpay', 'bbps',
  ],
  entertainment: [
    'netflix', 'spotify', 'prime video', 'amazon prime', 'hotstar', 'disney', 'disney plus', 'disneyplus', 'jiocinema', 'jiohotstar',
    'sonyliv', 'zee5', 'youtube', 'youtube premium', 'apple music', 'itunes', 'hbo', 'hbo max', 'hulu', 'paramount', 'peacock',
    'crunchyroll', 'audible', 'steam', 'steamgames', 'playstation', 'psn', 'xbox', 'nintendo', 'epic games', 'bookmyshow',
    'book my show', 'pvr', 'pvr inox', 'pvrinox', 'inox', 'cinepolis', 'cinema', 'cinemas', 'cineplex', 'amc theatres', 'regal',
    'odeon', 'cineworld', 'imax', 'vox cinemas', 'ticketmaster', 'eventbrite', 'concert', 'theatre', 'theater', 'movie', 'movies',
    'gaming', 'dream11', 'twitch', 'deezer', 'gaana', 'jiosaavn', 'wynk', 'tidal', 'apple bill', 'icloud',
  ],
  health: [
    'pharmacy', 'pharma', 'pharmacie', 'farmacia', 'apotheke', 'chemist', 'chemists', 'drugstore', 'drug mart', 'shoppers drug mart',
    'cvs', 'cvs pharmacy', 'walgreens', 'rite aid', 'boots', 'superdrug', 'lloyds pharmacy', 'apollo', 'apollo pharmacy',
    'apollo hospital', 'medplus', 'netmeds', 'pharmeasy', '1mg', 'tata 1mg', 'practo', 'hospital', 'clinic', 'medical', 'medicine',
    'medicines', 'doctor', 'dental', 'dentist', 'diagnostic', 'diagnostics', 'pathology', 'thyrocare', 'dr lal', 'fortis',
    'manipal', 'aster', 'narayana health', 'healthcare', 'optician', 'specsavers', 'lenskart', 'mercury drug', 'watsons',
    'guardian', 'clicks', 'dis chem', 'dischem', 'drogasil', 'droga raia', 'raia', 'gym', 'fitness', 'cult fit', 'cultfit',
    'physio', 'physiotherapy',
  ],
  travel: [
    'airline', 'airlines', 'airways', 'air india', 'indigo', 'spicejet', 'vistara', 'akasa', 'emirates', 'etihad', 'qatar airways',
    'saudia', 'flydubai', 'air arabia', 'lufthansa', 'british airways', 'klm', 'air france', 'ryanair', 'easyjet', 'wizz air',
    'delta air', 'united airlines', 'american airlines', 'southwest', 'jetblue', 'air canada', 'westjet', 'qantas', 'jetstar',
    'singapore airlines', 'scoot', 'airasia', 'cebu pacific', 'garuda', 'lion air', 'cathay pacific', 'turkish airlines',
    'kenya airways', 'ethiopian airlines', 'hotel', 'hotels', 'resort', 'resorts', 'hostel', 'motel', 'marriott', 'hilton', 'hyatt',
    'ihg', 'holiday inn', 'accor', 'novotel', 'ibis', 'taj hotels', 'oberoi', 'lemon tree', 'oyo', 'oyo rooms', 'airbnb',
    'booking', 'expedia', 'agoda', 'trivago', 'hotels com', 'makemytrip', 'goibibo', 'yatra', 'cleartrip', 'easemytrip',
    'ixigo', 'redbus', 'abhibus', 'irctc', 'indian railways', 'amtrak', 'eurostar', 'deutsche bahn', 'db bahn', 'sncf',
    'trenitalia', 'renfe', 'greyhound', 'flixbus', 'trainline', 'skyscanner', 'kayak', 'travel', 'travels', 'tours', 'airport',
    'duty free',
  ],
  transfers: [
    'transfer', 'fund transfer', 'funds transfer', 'trf', 'neft', 'imps', 'rtgs', 'p2p', 'zelle', 'venmo', 'cash app', 'cashapp',
    'wise', 'transferwise', 'western union', 'moneygram', 'remitly', 'remittance', 'self transfer', 'own account', 'e transfer',
    'etransfer', 'interac', 'pix', 'sepa', 'sparkasse', 'standing order', 'atm', 'cash withdrawal', 'withdrawal', 'send money', 'sent money',
  ],
  income: [
    'salary', 'sal credit', 'payroll', 'wages', 'stipend', 'bonus', 'interest', 'int pd', 'int cr', 'dividend', 'refund',
    'cashback', 'cash back', 'reversal', 'reimbursement', 'pension', 'incentive',
  ],
}
